/**
 * The core promise of data parallelism: with fixed seeds, R replicas with global batch B
 * give the same weights after 10 steps as one replica with batch B (max abs difference
 * <= 1e-5), and the replicas' weights are bitwise identical to each other after every
 * step. Real worker threads, real shared-memory all-reduce, real tfjs replicas on wasm and
 * on tfjs-node's "tensorflow" backend (when built; under CI it must be), with the default
 * sharded weight update (reduce-scatter, 1/R of Adam each, all-gather).
 */
import type { BackendRef, Callback, FitContext } from '@syncline/core';
import { TFJS_NODE_REF, TFJS_REF, bitwiseEqual, maxAbsDiff, mirrored, sample, tfjsNodeBuiltOrSay } from './helpers';

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

const BACKENDS: [string, BackendRef][] = [
  ['wasm', TFJS_REF],
  ...(tfjsNodeBuiltOrSay('mirrored-equivalence') ? [['tensorflow', TFJS_NODE_REF] as [string, BackendRef]] : []),
];

async function train(
  replicas: number,
  backend: BackendRef,
): Promise<{ weights: Float32Array; identicalEveryStep: boolean[]; weightUpdate: string | undefined; gradientBuffer: string | undefined }> {
  const strategy = mirrored(replicas, { backend });
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

describe.each(BACKENDS)('MirroredStrategy equivalence on tfjs (%s)', (_name, backend) => {
  let single: Float32Array;
  beforeAll(async () => {
    single = (await train(1, backend)).weights;
  }, 120_000);

  it.each([2, 3, 4])(
    '%i replicas match one replica after 10 steps, and stay bitwise identical',
    async (r) => {
      const { weights, identicalEveryStep, weightUpdate, gradientBuffer } = await train(r, backend);
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
