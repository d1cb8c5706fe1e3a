/**
 * The core promise of data parallelism: with fixed seeds, R replicas with global batch B
 * give the same weights after 10 steps as one replica with batch B (max abs difference
 * <= 1e-5), and the replicas' weights are bitwise identical to each other after every
 * step. Real worker threads, real shared-memory all-reduce, real tfjs (wasm) replicas,
 * with the default sharded weight update (reduce-scatter, 1/R of Adam each, all-gather).
 */
import type { Callback, FitContext } from '@syncline/core';
import { bitwiseEqual, maxAbsDiff, mirrored, sample } from './helpers';

const SPEC = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'adam', learningRate: 0.01 },
} as const;
const GLOBAL_BATCH = 48;
const STEPS = 10;

async function train(
  replicas: number,
): Promise<{ weights: Float32Array; identicalEveryStep: boolean[]; weightUpdate: string | undefined; gradientBuffer: string | undefined }> {
  const strategy = mirrored(replicas);
  try {
    const model = await strategy.createModel(SPEC, { seed: 7 });
    const identicalEveryStep: boolean[] = [];
    const check: Callback = {
      async onBatchEnd() {
        const all = await strategy.replicaWeights(model);
        identicalEveryStep.push(all.every((w) => bitwiseEqual(w, all[0]!)));
      },
    };
    await model.fit(sample().train, { epochs: 1, globalBatchSize: GLOBAL_BATCH, virtualEpochSize: GLOBAL_BATCH * STEPS, seed: 3, callbacks: [check] });
    return { weights: await model.getWeights(), identicalEveryStep, weightUpdate: strategy.weightUpdate, gradientBuffer: strategy.gradientBuffer };
  } finally {
    await strategy.close();
  }
}

describe('MirroredStrategy equivalence', () => {
  let single: Float32Array;
  beforeAll(async () => {
    single = (await train(1)).weights;
  }, 120_000);

  it.each([2, 3, 4])(
    '%i replicas match one replica after 10 steps, and stay bitwise identical',
    async (r) => {
      const { weights, identicalEveryStep, weightUpdate, gradientBuffer } = await train(r);
      expect(weightUpdate).toBe('sharded'); // the default: each replica applies 1/r of the update
      expect(gradientBuffer).toBe('registered'); // the shared-memory provider's registered space holds the gradients
      expect(identicalEveryStep).toHaveLength(STEPS);
      expect(identicalEveryStep.every(Boolean)).toBe(true);
      const diff = maxAbsDiff(weights, single);
      expect(diff).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(weights, new Float32Array(weights.length))).toBeGreaterThan(0.01); // it trained
    },
    120_000,
  );
});
