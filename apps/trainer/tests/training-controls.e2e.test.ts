/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 */
/**
 * Issue 17's training controls through the real strategy (onnx replicas in worker threads,
 * shared-memory all-reduce), on real Fashion-MNIST: a functional spec (residual add, layer
 * normalisation, gelu) trained with AdamW, a warmup + cosine schedule and global-norm
 * clipping tight enough to act on every step ends 10 steps with the same weights on 1 and
 * on 2 replicas (<= 1e-5), as it must with the norm taken over the all-reduced gradient; and
 * clipping changes the trajectory (the same run without it ends elsewhere).
 */
import { MirroredStrategy, type ModelSpecInput } from '@syncline/core';
import { sharedMemory } from '@syncline/collective';
import { onnx } from '@syncline/backend-onnx';
import { maxAbsDiff, sample } from './helpers';

const TOL = 1e-5;
const STEPS = 10;
const GLOBAL_BATCH = 64;

const spec = (globalClipNorm?: number): ModelSpecInput => ({
  inputShape: [784],
  layers: [
    { type: 'dense', name: 'h1', units: 32, activation: 'gelu' },
    { type: 'layerNormalization', name: 'ln' },
    { type: 'dense', name: 'h2', units: 32, activation: 'relu' },
    { type: 'add', inputs: ['h2', 'ln'] },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: {
    name: 'adamw',
    learningRate: 0.01,
    weightDecay: 0.01,
    schedule: { type: 'warmupCosine', warmupSteps: 3, decaySteps: 10, alpha: 0.1 },
    ...(globalClipNorm !== undefined ? { globalClipNorm } : {}),
  },
});

async function train(replicas: number, input: ModelSpecInput): Promise<{ initial: Float32Array; final: Float32Array }> {
  const strategy = new MirroredStrategy({ replicas, isolation: 'thread', backend: onnx(), communicator: sharedMemory(), timeoutMs: 60_000 });
  try {
    const model = await strategy.createModel(input, { seed: 7 });
    const initial = await model.getWeights();
    await model.fit(sample().train, { epochs: 1, globalBatchSize: GLOBAL_BATCH, virtualEpochSize: STEPS * GLOBAL_BATCH, seed: 3 });
    return { initial, final: await model.getWeights() };
  } finally {
    await strategy.close();
  }
}

describe('AdamW + warmup/cosine + global-norm clipping under MirroredStrategy (onnx)', () => {
  it('1 and 2 replicas end equal; clipping acts', async () => {
    const one = await train(1, spec(0.05));
    const two = await train(2, spec(0.05));
    const unclipped = await train(2, spec());
    const diff = maxAbsDiff(one.final, two.final);
    process.stderr.write(
      `training controls: 1 vs 2 replicas max |dw| ${diff.toExponential(2)}; clipped vs unclipped ${maxAbsDiff(two.final, unclipped.final).toExponential(2)}; moved ${maxAbsDiff(one.initial, one.final).toExponential(2)}\n`,
    );
    expect(diff).toBeLessThanOrEqual(TOL);
    expect(maxAbsDiff(one.initial, one.final)).toBeGreaterThan(1000 * TOL);
    expect(maxAbsDiff(two.final, unclipped.final)).toBeGreaterThan(100 * TOL);
  }, 300_000);
});
