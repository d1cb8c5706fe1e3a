/**
 * A dataset after `Strategy.distributeDataset`: per step, one batch per local replica.
 * Every rank yields the same number of steps per epoch, whatever its shard size, so an
 * uneven split never hangs a collective (short replicas get size-0 or partial batches).
 */
import type { Batch, BatchAllocator, LabelKind } from './batch';
import type { AutoShardPolicy } from './shard-policy';

export interface DistributeOptions {
  /** Examples per step over all replicas of all workers; must divide by numReplicasInSync. */
  readonly globalBatchSize: number;
  /** Shuffle seed (uint32); default DEFAULT_SHUFFLE_SEED, so workers agree without one. */
  readonly seed?: number;
  /** Reshuffle at every real pass (default true). */
  readonly shuffle?: boolean;
  /** Drop each epoch's last short step (default false: a partial final step instead). */
  readonly dropRemainder?: boolean;
  /** Examples per epoch (default: the dataset size, i.e. one pass). */
  readonly virtualEpochSize?: number;
  /** TF's auto-shard policy (default AUTO). */
  readonly autoShardPolicy?: AutoShardPolicy;
  /** Steps per coordinator round trip; sizes the batch ring so a whole group stays valid (default 1). */
  readonly stepsPerExecution?: number;
  /** Slots in the batch ring (default max(2, 2 * stepsPerExecution)); see BatchRing. */
  readonly ringDepth?: number;
  /** Makes batch buffers (default heap typed arrays; SHARED_ALLOCATOR for SharedArrayBuffer). */
  readonly allocator?: BatchAllocator;
  /**
   * Label storage of the batches: 'int32' class ids or 'float32' real targets. Default: the
   * source's `labelKind`, else 'int32'. fit/evaluate pass `labelKindOf(spec)` (the loss decides).
   */
  readonly labelKind?: LabelKind;
}

export interface DistributedDataset {
  /** Steps in one (virtual) epoch. */
  readonly stepsPerEpoch: number;
  /**
   * Per-replica batches of each step of `epoch`, in order (from `fromStep`, default 0).
   * Implementations may reuse batch memory: a yielded step stays valid only while fewer
   * than the implementation's ring depth of newer steps have been pulled (2 for
   * distributeDataset unless stepsPerExecution/ringDepth say more). Copy a step you keep
   * longer; never collect a whole epoch with `[...ds.epoch(e)]`.
   */
  epoch(epoch: number, fromStep?: number): Iterable<readonly Batch[]>;
}
