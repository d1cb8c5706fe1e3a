/**
 * A dataset after `Strategy.distributeDataset`: per step, one batch per local replica.
 * Every rank yields the same number of steps per epoch, whatever its shard size, so an
 * uneven split never hangs a collective (short replicas get size-0 or partial batches).
 */
import type { Batch } from '../contracts/batch';
import type { BatchAllocator } from './batch';
import type { InputContext } from './input-context';
import type { IteratorState } from './iterator-state';
import type { AutoShardPolicy, ResolvedShardPolicy } from './shard-policy';
import type { StepGroupBatches } from './step-groups';

export type { AutoShardPolicy, ResolvedShardPolicy } from './shard-policy';

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

/**
 * What `distributeDataset` returns: a DistributedDataset plus random access by step,
 * stepsPerExecution groups, the loss divisor per step, and resumable iterator state.
 */
export interface ShardedDataset extends DistributedDataset {
  /** The global batch size B (examples per full step over all replicas). */
  readonly globalBatchSize: number;
  /** Examples per replica in a full step: B / numReplicasInSync. */
  readonly perReplicaBatchSize: number;
  /** Replicas this worker feeds: batches per step. */
  readonly numLocalReplicas: number;
  /** Shape of one example. */
  readonly exampleShape: readonly number[];
  /** The policy in force once AUTO was decided. */
  readonly policy: ResolvedShardPolicy;
  /** The input context this dataset was built for. */
  readonly inputContext: InputContext;
  /** Examples per epoch (virtualEpochSize, or the dataset size). */
  readonly examplesPerEpoch: number;
  /** Examples in the whole source (every file). */
  readonly datasetSize: number;
  /** Examples this worker's stream holds (its files under FILE, else datasetSize). */
  readonly localSize: number;
  /** Slots in the batch ring: a step's batches stay valid while fewer than this many newer steps exist. */
  readonly ringDepth: number;
  /**
   * Batches of (epoch, step) for this worker's replicas, gathered into the next ring
   * slot. Valid until `ringDepth - 1` further steps have been produced.
   */
  step(epoch: number, step: number): readonly Batch[];
  /** Examples in step `step` over all replicas of all workers (the loss divisor). */
  examplesInStep(step: number): number;
  /** The epoch's steps grouped k at a time (k = stepsPerExecution by default). */
  groups(epoch: number, stepsPerExecution?: number, fromStep?: number): Iterable<StepGroupBatches>;
  /** Serializable position "next step is (epoch, step)" with the configuration it is valid for. */
  stateAt(epoch: number, step: number): IteratorState;
  /** Validates a saved state against this dataset; returns where to continue (normalised). */
  resume(state: IteratorState | string): { epoch: number; step: number };
}
