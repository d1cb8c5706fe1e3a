/**
 * A distribution strategy, shaped like tf.distribute.Strategy: how many replicas train
 * in sync, how data reaches them, and a Keras-style model whose fit/evaluate/predict
 * run on those replicas. Implementations (Mirrored, MultiWorkerMirrored, TPU) share the
 * fit loop, data pipeline, callbacks and checkpoints.
 */
import type { ReduceOp } from './communicator';
import type { Batch } from './batch';
import type { GradientResult } from './replica-program';
import type { OptimizerState } from './optimizer-state';
import type { WeightLayout } from './weight-layout';
import type { ExampleSource } from './example-source';
import type { DataSource } from './data-source';
import type { DistributeOptions, DistributedDataset } from './distributed-dataset';
import type { FitOptions, History, EvaluateResult } from './fit-options';
import type { ModelSpec, ModelSpecLike } from '../spec/model-spec';

/** One value per replica, indexed by replica id. */
export interface PerReplica<T> {
  readonly values: readonly T[];
}

/** What `Strategy.run` hands the replica function: that replica, reached wherever it runs. */
export interface ReplicaContext {
  readonly replicaId: number;
  readonly numReplicasInSync: number;
  computeGradients(batch: Batch): Promise<GradientResult>;
  /** The replica's communicator; every replica must call it for the op to complete. */
  allReduce(buf: Float32Array, op: ReduceOp): Promise<Float32Array>;
  applyGradients(meanGradients: Float32Array): Promise<void>;
  getWeights(): Promise<Float32Array>;
}

/** A model mirrored on a strategy's replicas (what Keras builds under strategy.scope()). */
export interface DistributedModel {
  readonly spec: ModelSpec;
  fit(train: DataSource, options: FitOptions): Promise<History>;
  evaluate(data: DataSource, options?: { readonly globalBatchSize?: number }): Promise<EvaluateResult>;
  /** Class probabilities for every example of `data`, in order. */
  predict(data: DataSource, options?: { readonly globalBatchSize?: number }): Promise<Float32Array>;
  /** Layout of getWeights(): the replica programs' own (the spec's layers, or a model the backend loaded). */
  readonly layout: WeightLayout;
  getWeights(): Promise<Float32Array>;
  setWeights(flat: Float32Array): Promise<void>;
  exportOptimizerState(): Promise<OptimizerState>;
  importOptimizerState(state: OptimizerState): Promise<void>;
  /** Stops the replicas. Idempotent. */
  dispose(): Promise<void>;
}

export interface CreateModelOptions {
  /** Seeds weight initialisation (and dropout streams); default DEFAULT_SEED. */
  readonly seed?: number;
  /**
   * Settings every worker of a cluster must share beyond what the strategy checks itself
   * (model spec and weight layout, backend, communicator, replicas per worker, cluster,
   * Syncline version), e.g. `{ '--global-batch': 64, '--epochs': 5 }`. Compared across
   * every worker at rendezvous, before the first step: a difference is a
   * ConfigMismatchError on every rank naming the field, its values and their ranks.
   * Ignored (nothing to compare) on one machine.
   */
  readonly agree?: Readonly<Record<string, string | number | boolean | undefined>>;
}

export interface Strategy {
  readonly name: string;
  readonly numReplicasInSync: number;
  /** Runs `fn` with this strategy as the current one (see `currentStrategy`). */
  scope<T>(fn: () => T): T;
  /** Builds a model mirrored on every replica (initial weights broadcast from replica 0). */
  createModel(spec: ModelSpecLike, options?: CreateModelOptions): Promise<DistributedModel>;
  /** Shuffles, shards and batches a source; the global batch is split across replicas. */
  distributeDataset(source: DataSource, options: DistributeOptions): DistributedDataset;
  /** Runs `fn` once per replica, concurrently, on the current model's replicas. */
  run<T>(fn: (ctx: ReplicaContext) => T | Promise<T>): Promise<PerReplica<T>>;
  /** Reduces per-replica numbers or arrays to one value (sum, mean or max). */
  reduce(op: ReduceOp, value: PerReplica<number>): number;
  reduce(op: ReduceOp, value: PerReplica<Float32Array>): Float32Array;
  /** Stops replicas and releases communicators. Idempotent. */
  close(): Promise<void>;
}
