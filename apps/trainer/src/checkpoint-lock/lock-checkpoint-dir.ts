/**
 * `syncline train --checkpoint-dir`: the chief takes the directory before it reads any
 * data or starts a replica, so a second writer (an orphaned chief's rerun, two commands
 * started together) fails within about a second with nothing computed, naming the
 * holder. Only the chief writes checkpoints, so only it locks (the caller says whether
 * this process is the chief); other workers restore and never write. The held lock goes to BackupAndRestore (heldLock), whose run id it
 * carries and which releases it at train end; a dying process releases it anyway.
 */
import { checkpointLockHolder, newCheckpointRunId, type CheckpointDirLock, type HeldCheckpointLock } from '@syncline/core';
import { flockCheckpointLock } from './flock-lock';

/**
 * Locks `dir` for this run when this process is its writer (`isChief`: the only process of
 * a mirrored or TPU run, TF_CONFIG's chief in a multi-worker one, as makeStrategy decides);
 * undefined when there is no directory, this process does not write, or the system has no
 * flock (Windows: BackupAndRestore then uses its own default). Throws
 * CheckpointDirLockedError naming the holder when another run writes there.
 */
export async function lockCheckpointDir(
  dir: string | undefined,
  isChief: boolean,
  log: (line: string) => void,
  lock: CheckpointDirLock | undefined = process.platform === 'win32' ? undefined : flockCheckpointLock,
): Promise<HeldCheckpointLock | undefined> {
  if (!dir || !lock || !isChief) return undefined;
  const held = await lock.acquire(dir, checkpointLockHolder(newCheckpointRunId()));
  log(`syncline: checkpoint directory ${dir} locked for this run (${lock.name}; run ${held.holder.runId})`);
  return held;
}
