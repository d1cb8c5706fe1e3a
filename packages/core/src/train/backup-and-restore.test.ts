import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FitContext } from '../contracts/fit-context';
import type { OptimizerState } from '../contracts/optimizer-state';
import type { TrainEngine } from '../contracts/train-engine';
import type { WeightLayout } from '../contracts/weight-layout';
import type { CheckpointDirLock, HeldCheckpointLock } from '../checkpoint/checkpoint-dir-lock';
import type { CheckpointLockHolder } from '../checkpoint/lock-holder';
import { CheckpointDirLockedError } from '../errors/checkpoint-dir-locked-error';
import { CheckpointError } from '../errors/checkpoint-error';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { BackupAndRestore } from './backup-and-restore';

const layout: WeightLayout = { entries: [{ name: 'w', shape: [4], offset: 0, size: 4, trainable: true }], totalSize: 4 };

/** The part of a fit context BackupAndRestore reads; the engine records weight restores. */
function fitContext(seed = 1): FitContext & { restored: Float32Array[] } {
  const restored: Float32Array[] = [];
  let weights = Float32Array.of(1, 2, 3, 4);
  const engine: Pick<TrainEngine, 'layout' | 'getWeights' | 'setWeights' | 'exportOptimizerState' | 'importOptimizerState'> = {
    layout,
    getWeights: async () => weights.slice(),
    setWeights: async (w) => {
      restored.push(w);
      weights = w.slice();
    },
    exportOptimizerState: async (): Promise<OptimizerState> => ({ name: 'sgd', step: 0, slots: {} }),
    importOptimizerState: async () => undefined,
  };
  const ctx = { engine, seed, globalBatchSize: 8, stepsPerEpoch: 2, epoch: 0, stepInEpoch: 0, stopTraining: false, preemptRequested: false, preempted: false };
  return Object.assign(ctx as unknown as FitContext, { restored });
}

/** A lock that records what BackupAndRestore asks of it. */
function recordingLock(): CheckpointDirLock & { calls: string[]; holders: CheckpointLockHolder[] } {
  const calls: string[] = [];
  const holders: CheckpointLockHolder[] = [];
  return {
    name: 'recording',
    calls,
    holders,
    acquire: async (dir, holder) => {
      calls.push(`acquire ${dir}`);
      holders.push(holder);
      return { dir, holder, release: async () => void calls.push(`release ${dir}`) };
    },
  };
}

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'bar-'));
const begin = (b: BackupAndRestore, ctx: FitContext) => b.onTrainBegin(ctx);

describe('BackupAndRestore holds its checkpoint directory for the run', () => {
  it('the writer takes the lock before restoring, writes under the holder run id, releases at train end', async () => {
    const dir = tempDir();
    const lock = recordingLock();
    const b = new BackupAndRestore({ dir, lock, log: () => undefined });
    const ctx = fitContext();
    await begin(b, ctx);
    expect(lock.calls).toEqual([`acquire ${dir}`]);
    expect(lock.holders[0]!.runId).toBe(b.runId);
    expect(lock.holders[0]!.pid).toBe(process.pid);
    await b.onEpochEnd(0);
    expect(b.store.latest()!.meta.runId).toBe(b.runId);
    await b.onTrainEnd();
    expect(lock.calls).toEqual([`acquire ${dir}`, `release ${dir}`]);
  });

  it('a non-writer never locks (and never writes)', async () => {
    const lock = recordingLock();
    const dir = tempDir();
    const b = new BackupAndRestore({ dir, lock, writer: false, log: () => undefined });
    await begin(b, fitContext());
    await b.onEpochEnd(0);
    await b.onTrainEnd();
    expect(lock.calls).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a lock the caller already holds is used (its run id too) and released at train end', async () => {
    const dir = tempDir();
    const lock = recordingLock();
    const released: string[] = [];
    const heldLock: HeldCheckpointLock = {
      dir,
      holder: { host: 'h', pid: 1, startedAt: 't', runId: 'early-run' },
      release: async () => void released.push(dir),
    };
    const b = new BackupAndRestore({ dir, lock, heldLock, log: () => undefined });
    expect(b.runId).toBe('early-run');
    expect(await b.acquireLock()).toBe(heldLock);
    await begin(b, fitContext());
    await b.onTrainEnd();
    expect(lock.calls).toEqual([]);
    expect(released).toEqual([dir]);
    expect(() => new BackupAndRestore({ dir: tempDir(), heldLock })).toThrow(InvalidConfigError);
  });

  it('releases the lock when restoring fails', async () => {
    const dir = tempDir();
    const first = new BackupAndRestore({ dir, lock: false, log: () => undefined });
    await begin(first, fitContext(1));
    await first.onEpochEnd(0);
    const lock = recordingLock();
    const b = new BackupAndRestore({ dir, lock, log: () => undefined });
    await expect(begin(b, fitContext(2))).rejects.toThrow(CheckpointError); // another seed
    expect(lock.calls).toEqual([`acquire ${dir}`, `release ${dir}`]);
  });

  const itLinux = process.platform === 'linux' ? it : it.skip;
  itLinux('by default a second writer on the same directory is refused before anything is restored', async () => {
    const dir = tempDir();
    const first = new BackupAndRestore({ dir, log: () => undefined });
    await begin(first, fitContext());
    await first.onEpochEnd(0);
    const second = new BackupAndRestore({ dir, log: () => undefined });
    const ctx = fitContext();
    const e = await begin(second, ctx).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CheckpointDirLockedError);
    expect((e as CheckpointDirLockedError).holder?.runId).toBe(first.runId);
    expect(ctx.restored).toEqual([]);
    await first.onTrainEnd();
    await begin(second, ctx); // free again: the rerun resumes
    expect(ctx.restored).toHaveLength(1);
    await second.onTrainEnd();
  });

  it("a resumed run starts from the earlier run's checkpoint but never prunes it", async () => {
    const dir = tempDir();
    const first = new BackupAndRestore({ dir, keep: 1, lock: false, log: () => undefined });
    await begin(first, fitContext());
    await first.onEpochEnd(0);
    await first.onTrainEnd();
    const rerun = new BackupAndRestore({ dir, keep: 1, lock: false, log: () => undefined });
    const ctx = fitContext();
    expect(await begin(rerun, ctx)).toEqual({ epoch: 1, step: 0 });
    for (const epoch of [1, 2, 3]) await rerun.onEpochEnd(epoch);
    expect(readdirSync(dir).sort()).toEqual(['ckpt-000001-000000000', 'ckpt-000004-000000000']);
    expect(rerun.store.runIdOf(join(dir, 'ckpt-000001-000000000'))).toBe(first.runId);
  });
});
