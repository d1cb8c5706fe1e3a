/**
 * A distribution strategy, shaped like tf.distribute.Strategy: how many replicas train
 * in sync, how data reaches them, and the Keras-style fit/evaluate entry points.
 * Implementations (Mirrored, MultiWorkerMirrored, TPU) come with their issues; the fit
 * loop, data pipeline, callbacks and checkpoints are shared by all of them.
 */
import type { ReduceOp } from './communicator';
import type { Batch } from './batch';
import type { ExampleSource } from '../data/example-source';
import type { DistributeOptions, DistributedDataset } from '../data/distributed-dataset';
import type { FitOptions, History, EvaluateResult } from '../train/fit-options';

/** One value per replica, indexed by replica id. */
export interface PerReplica<T> {
  readonly values: readonly T[];
}

/** What `Strategy.run` hands the replica function. */
export interface ReplicaContext {
  readonly replicaId: number;
  readonly numReplicasInSync: number;
}

export interface Strategy {
  readonly name: string;
  readonly numReplicasInSync: number;
  /** Shuffles, shards and batches a source; the global batch is split across replicas. */
  distributeDataset(source: ExampleSource, options: DistributeOptions): DistributedDataset;
  /** Runs `fn` once per replica (in parallel where replicas are threads or processes). */
  run<T>(fn: (ctx: ReplicaContext) => T | Promise<T>): Promise<PerReplica<T>>;
  /** Reduces per-replica numbers or arrays to one value (sum, mean or max). */
  reduce(op: ReduceOp, value: PerReplica<number>): number;
  reduce(op: ReduceOp, value: PerReplica<Float32Array>): Float32Array;
  /** Trains with the strategy's replicas; see FitOptions. */
  fit(train: ExampleSource, options: FitOptions): Promise<History>;
  evaluate(data: ExampleSource, options?: { batchSize?: number }): Promise<EvaluateResult>;
  predict(batch: Batch): Promise<Float32Array>;
  /** Stops replicas and releases communicators. Idempotent. */
  close(): Promise<void>;
}
