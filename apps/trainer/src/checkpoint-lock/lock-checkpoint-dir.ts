/**
 * `syncline train --checkpoint-dir`: the chief takes the directory before it reads any
 * data or starts a replica, so a second writer (an orphaned chief's rerun, two commands
 * started together) fails within about a second with nothing computed, naming the
 * holder. Only the chief writes checkpoints, so only it locks; other workers restore
 * and never write. The held lock goes to BackupAndRestore (heldLock), whose run id it
 * carries and which releases it at train end; a dying process releases it anyway.
 */
import { TFConfigClusterResolver, checkpointLockHolder, newCheckpointRunId, type CheckpointDirLock, type HeldCheckpointLock } from '@syncline/core';
import type { TrainOptions } from '../commands/train-options';
import { flockCheckpointLock } from './flock-lock';

/**
 * Whether this process writes checkpoints, decided as makeStrategy does: the only
 * process of a mirrored or TPU run, TF_CONFIG's chief in a multi-worker one. A missing
 * or unparsable TF_CONFIG gives false here, and makeStrategy reports it.
 */
export function writesCheckpoints(o: Pick<TrainOptions, 'strategy'>, env: NodeJS.ProcessEnv = process.env): boolean {
  if (o.strategy !== 'multi-worker') return true;
  try {
    const resolver = TFConfigClusterResolver.fromEnv(env);
    return !resolver.isLocal && resolver.isChief; // no cluster: makeStrategy refuses it
  } catch {
    return false;
  }
}

/**
 * Locks `--checkpoint-dir` for this run when this process is its writer; undefined when
 * there is no directory, this process does not write, or the system has no flock
 * (Windows: BackupAndRestore then uses its own default). Throws CheckpointDirLockedError
 * naming the holder when another run writes there.
 */
export async function lockCheckpointDir(
  o: Pick<TrainOptions, 'strategy' | 'checkpointDir'>,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  lock: CheckpointDirLock | undefined = process.platform === 'win32' ? undefined : flockCheckpointLock,
): Promise<HeldCheckpointLock | undefined> {
  if (!o.checkpointDir || !lock || !writesCheckpoints(o, env)) return undefined;
  const held = await lock.acquire(o.checkpointDir, checkpointLockHolder(newCheckpointRunId()));
  log(`syncline: checkpoint directory ${o.checkpointDir} locked for this run (${lock.name}; run ${held.holder.runId})`);
  return held;
}
