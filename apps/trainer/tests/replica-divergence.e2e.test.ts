/**
 * The replica agreement check on real replicas (worker threads, tfjs wasm, shared-memory
 * all-reduce): one replica's weights nudged by one ulp mid-run (a test hook) is caught at
 * the next check with ReplicaDivergenceError naming the ranks and the step, and no
 * checkpoint of the diverged state is written; untouched replicas pass every check.
 * Replicated updates (shardWeightUpdate: false): each replica applies the whole update to
 * its own copy, so a nudge persists. With the sharded update every step all-gathers each
 * range from its owner, which overwrites (or spreads to every replica) a nudged weight.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupAndRestore, ReplicaAgreementCheck, ReplicaDivergenceError, type Callback, type FitContext } from '@syncline/core';
import { mirrored, sample } from './helpers';

const SPEC = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'adam', learningRate: 0.01 },
} as const;
const GLOBAL_BATCH = 48;
const STEPS_PER_EPOCH = 6;

/** Test hook: at epoch 1 (0-based), after step `afterStep`, adds one ulp to replica 1's first weight. */
function perturbReplica1(afterStep: number): Callback {
  let ctx: FitContext;
  return {
    onTrainBegin: (c) => void (ctx = c),
    async onBatchEnd(epoch, logs) {
      if (epoch !== 1 || logs.step + 1 !== afterStep) return;
      const engine = ctx.engine as FitContext['engine'] & {
        allWeights(): Promise<Float32Array[]>;
        setReplicaWeights(r: number, w: Float32Array): Promise<void>;
      };
      const w = (await engine.allWeights())[1]!.slice();
      new Uint32Array(w.buffer, w.byteOffset, 1)[0]! += 1; // the next float up: one ulp
      await engine.setReplicaWeights(1, w);
    },
  };
}

async function run(everySteps: number, perturbAfter?: number, shardWeightUpdate = false): Promise<{ error: unknown; checks: number; checkpoints: string[] }> {
  const strategy = mirrored(2, { shardWeightUpdate });
  const dir = mkdtempSync(join(tmpdir(), 'divergence-'));
  const check = new ReplicaAgreementCheck({ everySteps });
  try {
    const model = await strategy.createModel(SPEC, { seed: 7 });
    const callbacks = [...(perturbAfter ? [perturbReplica1(perturbAfter)] : []), check, new BackupAndRestore({ dir, log: () => undefined, lock: false })];
    const error = await model
      .fit(sample().train, { epochs: 3, globalBatchSize: GLOBAL_BATCH, virtualEpochSize: GLOBAL_BATCH * STEPS_PER_EPOCH, seed: 3, callbacks })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    return { error, checks: check.checks, checkpoints: readdirSync(dir).filter((n) => n.startsWith('ckpt-')) };
  } finally {
    await strategy.close();
  }
}

describe('replica agreement check', () => {
  it('untouched replicas pass a check at every epoch end and every 2 steps', async () => {
    const r = await run(2);
    expect(r.error).toBeUndefined();
    expect(r.checks).toBe(3 + 3 * 2); // 3 epoch ends, steps 2 and 4 of each epoch (6 is an epoch end)
    expect(r.checkpoints).toHaveLength(3);
  }, 180_000);

  it('a one-ulp nudge of replica 1 at epoch 2 is caught at that epoch end naming ranks and step; its state is never checkpointed', async () => {
    const r = await run(0, 3);
    expect(r.error).toBeInstanceOf(ReplicaDivergenceError);
    const e = r.error as ReplicaDivergenceError;
    expect([e.step, e.where, e.groups.map((g) => g.ranks)]).toEqual([2 * STEPS_PER_EPOCH, 'end of epoch 2', [[0], [1]]]);
    expect(e.message).toMatch(/^Replicas diverged at step 12 \(end of epoch 2\): rank\(s\) 1 hold other weights or optimizer state than rank\(s\) 0/);
    expect(r.checks).toBe(1); // epoch 1 agreed
    expect(r.checkpoints).toEqual(['ckpt-000001-000000000']); // epoch 1's only: epoch 2's diverged state was never written
  }, 180_000);

  it('with everySteps 2 it is caught at the next 2-step boundary, before the epoch ends', async () => {
    const r = await run(2, 3);
    expect(r.error).toBeInstanceOf(ReplicaDivergenceError);
    expect([(r.error as ReplicaDivergenceError).step, (r.error as ReplicaDivergenceError).where]).toEqual([STEPS_PER_EPOCH + 4, 'every 2 steps']);
    expect(r.checkpoints).toEqual(['ckpt-000001-000000000']);
  }, 180_000);
});
