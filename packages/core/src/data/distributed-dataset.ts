/**
 * A dataset after `Strategy.distributeDataset`: per step, one batch per local replica.
 * Every rank yields the same number of steps per epoch, whatever its shard size, so an
 * uneven split never hangs a collective (short replicas get size-0 or partial batches).
 */
import type { Batch } from '../contracts/batch';

export type AutoShardPolicy = 'OFF' | 'AUTO' | 'FILE' | 'DATA';

export interface DistributeOptions {
  readonly globalBatchSize: number;
  readonly seed?: number;
  readonly shuffle?: boolean;
  readonly dropRemainder?: boolean;
  readonly virtualEpochSize?: number;
  readonly autoShardPolicy?: AutoShardPolicy;
}

export interface DistributedDataset {
  /** Steps in one (virtual) epoch. */
  readonly stepsPerEpoch: number;
  /** Per-replica batches of each step of `epoch`, in order. */
  epoch(epoch: number): Iterable<readonly Batch[]>;
}
