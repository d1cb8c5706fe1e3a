/**
 * Sharded weight update (MirroredStrategy's default where backend and communicator
 * support it; TensorFlow's cross-replica weight-update sharding): each replica applies
 * Adam to its shardRange of the weights and the replicas all-gather the ranges. Real
 * worker threads, real shared memory, real onnxruntime replicas:
 * 1. with 2 replicas it gives the replicated update's weights and optimizer slots bit
 *    for bit, and the replicas' weights are bitwise identical after every step;
 * 2. with 3 replicas (uneven ranges) it matches one replica within 1e-5;
 * 3. an exported optimizer state (gathered from every range) continues training as the
 *    replicated run's state does.
 */
import { InvalidConfigError, MirroredStrategy, type Callback, type OptimizerState } from '@syncline/core';
import { onnx } from '@syncline/backend-onnx';
import { sharedMemory } from '@syncline/collective';
import { bitwiseEqual, maxAbsDiff, sample } from './helpers';

const ONNX_REF = onnx();
const SPEC = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 24, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'adam', learningRate: 0.01 },
} as const;
const GLOBAL_BATCH = 48;
const STEPS = 10;

interface Run {
  mode: string | undefined;
  weights: Float32Array;
  state: OptimizerState;
  identicalEveryStep: boolean[];
}

async function train(replicas: number, shardWeightUpdate: boolean, resumeFrom?: { weights: Float32Array; state: OptimizerState }): Promise<Run> {
  const strategy = new MirroredStrategy({ replicas, backend: ONNX_REF, communicator: sharedMemory(), timeoutMs: 60_000, shardWeightUpdate });
  try {
    const model = await strategy.createModel(SPEC, { seed: 11 });
    if (resumeFrom) {
      await model.setWeights(resumeFrom.weights);
      await model.importOptimizerState(resumeFrom.state);
    }
    const identicalEveryStep: boolean[] = [];
    const check: Callback = {
      async onBatchEnd() {
        const all = await strategy.replicaWeights(model);
        identicalEveryStep.push(all.every((w) => bitwiseEqual(w, all[0]!)));
      },
    };
    await model.fit(sample().train, { epochs: 1, globalBatchSize: GLOBAL_BATCH, virtualEpochSize: GLOBAL_BATCH * STEPS, seed: 5, callbacks: [check] });
    return { mode: strategy.weightUpdate, weights: await model.getWeights(), state: await model.exportOptimizerState(), identicalEveryStep };
  } finally {
    await strategy.close();
  }
}

function slotsEqual(a: OptimizerState, b: OptimizerState): boolean {
  return (
    a.step === b.step &&
    Object.keys(a.slots).length === Object.keys(b.slots).length &&
    Object.keys(a.slots).every((k) => b.slots[k] !== undefined && bitwiseEqual(a.slots[k]!, b.slots[k]!))
  );
}

describe('sharded weight update (onnx, shared memory)', () => {
  let replicated: Run;
  let sharded: Run;
  beforeAll(async () => {
    replicated = await train(2, false);
    sharded = await train(2, true);
  }, 120_000);

  it('2 replicas: the same weights and optimizer slots as the replicated update, bit for bit', () => {
    expect(replicated.mode).toBe('replicated');
    expect(sharded.mode).toBe('sharded');
    expect(sharded.identicalEveryStep).toEqual(Array(STEPS).fill(true));
    expect(bitwiseEqual(sharded.weights, replicated.weights)).toBe(true);
    expect(sharded.state.step).toBe(STEPS);
    expect(slotsEqual(sharded.state, replicated.state)).toBe(true);
    expect(maxAbsDiff(sharded.state.slots.m!, new Float32Array(sharded.state.slots.m!.length))).toBeGreaterThan(0); // slots hold real values
  });

  it('3 replicas (uneven ranges): replicas bitwise identical every step, weights within 1e-5 of one replica', async () => {
    const three = await train(3, true);
    const one = await train(1, true);
    expect(three.mode).toBe('sharded');
    expect(one.mode).toBe('replicated'); // nothing to shard with one replica
    expect(three.identicalEveryStep).toEqual(Array(STEPS).fill(true));
    expect(maxAbsDiff(three.weights, one.weights)).toBeLessThanOrEqual(1e-5);
    for (const k of Object.keys(one.state.slots)) expect(maxAbsDiff(three.state.slots[k]!, one.state.slots[k]!)).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it('a gathered optimizer state resumes exactly like the replicated one', async () => {
    const a = await train(2, true, { weights: sharded.weights, state: sharded.state });
    const b = await train(2, false, { weights: replicated.weights, state: replicated.state });
    expect(a.state.step).toBe(2 * STEPS);
    expect(bitwiseEqual(a.weights, b.weights)).toBe(true);
    expect(slotsEqual(a.state, b.state)).toBe(true);
  }, 120_000);

  it('MultiWorkerMirroredStrategy cannot shard: shardWeightUpdate true with several workers is refused', () => {
    const make = (): MirroredStrategy =>
      new MirroredStrategy({ replicas: 1, backend: ONNX_REF, communicator: sharedMemory({ timeoutMs: 1000 }), shardWeightUpdate: true }, { numWorkers: 2 });
    expect(make).toThrow(InvalidConfigError);
    expect(make).toThrow(/shardWeightUpdate/);
  });
});
