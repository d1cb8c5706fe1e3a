/**
 * The contract for "one writer per checkpoint directory": the writer of a run (the chief)
 * takes the directory exclusively before it reads any data and keeps it for the whole
 * run; a second writer is refused with CheckpointDirLockedError naming the holder.
 *
 * An implementation must be released by the kernel when its process dies (a crash or
 * kill -9 never leaves a stale lock), so it never needs a timeout or a "steal" rule.
 * Core ships one without native code, hostLocalCheckpointLock (a Linux abstract socket:
 * one host only); the `syncline` app passes flock(2) through koffi, which also holds
 * across hosts on a shared filesystem.
 */
import type { CheckpointLockHolder } from './lock-holder';

/** A lock that this process holds on one checkpoint directory. */
export interface HeldCheckpointLock {
  /** The directory held, as given to acquire. */
  readonly dir: string;
  /** This process, as the holder file names it (its runId goes into every checkpoint's meta). */
  readonly holder: CheckpointLockHolder;
  /** Releases the lock and removes the holder file; idempotent. Dying releases it too. */
  release(): Promise<void>;
}

/** A way to take a checkpoint directory exclusively. */
export interface CheckpointDirLock {
  /** Names the mechanism in messages ("flock", "host-local socket"). */
  readonly name: string;
  /**
   * Creates `dir` if needed and takes it for `holder`. Never waits for another holder:
   * rejects within about a second (HOLDER_READ_TIMEOUT_MS, to read the holder's file) with
   * CheckpointDirLockedError naming the holder when another process, or another acquire in
   * this one, holds it; rejects with CheckpointError when the lock cannot be taken at all.
   */
  acquire(dir: string, holder: CheckpointLockHolder): Promise<HeldCheckpointLock>;
}
