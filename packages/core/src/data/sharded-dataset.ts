/**
 * What `distributeDataset` returns beyond the DistributedDataset contract: random access by
 * step, step groups and the iterator state that checkpoints carry.
 */
import type { Batch } from '../contracts/batch';
import type { DistributedDataset } from '../contracts/distributed-dataset';
import type { InputContext } from './input-context';
import type { IteratorState } from './iterator-state';
import type { ResolvedShardPolicy } from '../contracts/shard-policy';
import type { StepGroupBatches } from './step-groups';

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
