/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 */
/**
 * Issue 17: the transformer encoder spec shipped in apps/trainer/models (Fashion-MNIST rows
 * as 28 tokens of 28 features, dense embedding, position embedding, 2 encoder blocks,
 * pooled, dense head; AdamW with warmup + cosine) trained through MirroredStrategy with onnx
 * replicas ends 10 steps of real data with the same weights on 1 and on 2 replicas (<= 1e-5).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MirroredStrategy, parseModelSpec } from '@syncline/core';
import { sharedMemory } from '@syncline/collective';
import { onnx } from '@syncline/backend-onnx';
import { maxAbsDiff, sample } from './helpers';

const TOL = 1e-5;
const STEPS = 10;
const GLOBAL_BATCH = 64;
const SPEC = parseModelSpec(readFileSync(join(__dirname, '..', 'models', 'transformer-small.json'), 'utf8'), 'transformer-small.json');

async function train(replicas: number): Promise<{ initial: Float32Array; final: Float32Array }> {
  const strategy = new MirroredStrategy({ replicas, isolation: 'thread', backend: onnx(), communicator: sharedMemory(), timeoutMs: 60_000 });
  try {
    const model = await strategy.createModel(SPEC, { seed: 11 });
    const initial = await model.getWeights();
    const data = sample().train;
    await model.fit(data, { epochs: 1, globalBatchSize: GLOBAL_BATCH, virtualEpochSize: STEPS * GLOBAL_BATCH, seed: 2 });
    return { initial, final: await model.getWeights() };
  } finally {
    await strategy.close();
  }
}

describe('transformer-small.json under MirroredStrategy (onnx)', () => {
  it('1 and 2 replicas end 10 steps within 1e-5', async () => {
    const one = await train(1);
    const two = await train(2);
    const diff = maxAbsDiff(one.final, two.final);
    const moved = maxAbsDiff(one.initial, one.final);
    process.stderr.write(
      `transformer-small: 1 vs 2 replicas after ${STEPS} steps max |dw| ${diff.toExponential(2)}; weights moved ${moved.toExponential(2)}\n`,
    );
    expect(diff).toBeLessThanOrEqual(TOL);
    // The spec warms the learning rate up over 300 steps, so 10 steps move the weights little, but far more than TOL.
    expect(moved).toBeGreaterThan(10 * TOL);
  }, 300_000);
});
