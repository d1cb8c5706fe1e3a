/**
 * A DistributedModel over any TrainEngine: the Keras-shaped fit/evaluate/predict that
 * Mirrored, MultiWorkerMirrored and TPU strategies share. The strategy supplies how a
 * source is distributed (its shard policy and input context) and how to size staging.
 */
import type { DistributedModel } from '../../contracts/strategy';
import type { OptimizerState } from '../../contracts/optimizer-state';
import type { WeightLayout } from '../../contracts/weight-layout';
import type { ExampleSource } from '../../contracts/example-source';
import type { DataSource } from '../../contracts/data-source';
import type { DistributeOptions, DistributedDataset } from '../../contracts/distributed-dataset';
import { InvalidConfigError } from '../../errors/invalid-config-error';
import { ShapeMismatchError } from '../../errors/shape-mismatch-error';
import type { ModelSpec } from '../../spec/model-spec';
import { evaluateDataset, runFitLoop } from '../../train/fit-loop';
import { metricLayout } from '../../model/metric-layout';
import type { EvaluateResult, FitOptions, History } from '../../contracts/fit-options';
import type { TrainEngine } from '../../contracts/train-engine';
import { concatFloat32 } from './concat-float32';
import { labelKindOf } from '../../model/resolve-loss';

/** Global batch used by evaluate/predict when none is given. */
export const DEFAULT_EVAL_GLOBAL_BATCH = 256;
/** Seed used when neither the model nor fit names one. */
export const DEFAULT_SEED = 42;

export interface EngineModelHooks {
  distribute(source: DataSource, options: DistributeOptions): DistributedDataset;
  /**
   * Splits prediction input over this process's replicas only. Multi-worker strategies
   * set it so that every worker predicts the whole input and returns every row, in
   * order, instead of only its shard. Default: `distribute`.
   */
  distributeLocally?(source: DataSource, options: DistributeOptions): DistributedDataset;
  /**
   * Sizes staging for per-replica batches of up to `maxExamples` and `stepsPerExecution`.
   * `forTraining` is false for evaluate/predict (a compiled engine need not recompile).
   */
  prepare(maxExamples: number, stepsPerExecution: number, forTraining: boolean): Promise<void>;
  dispose(): Promise<void>;
  /** Training drops each epoch's short last step unless fit says otherwise (static-shape engines). */
  readonly dropRemainderByDefault?: boolean;
}

export class EngineModel implements DistributedModel {
  #disposed = false;

  constructor(
    readonly spec: ModelSpec,
    readonly engine: TrainEngine,
    private readonly seed: number,
    private readonly hooks: EngineModelHooks,
  ) {}

  get layout(): WeightLayout {
    return this.engine.layout;
  }

  /** Every source must carry examples of the model's input size. */
  #checkSource(source: DataSource, what: string): void {
    const want = this.spec.inputShape.reduce((a, b) => a * b, 1);
    if (source.exampleLength !== want) {
      throw new ShapeMismatchError(
        `${what} examples have shape [${source.exampleShape.join(', ')}] (${source.exampleLength} values), but the model's ` +
          `inputShape [${this.spec.inputShape.join(', ')}] takes ${want}; fix the model spec's inputShape or the data`,
      );
    }
  }

  #perReplicaMax(globalBatch: number): number {
    return Math.ceil(globalBatch / this.engine.numReplicas);
  }

  async fit(train: DataSource, options: FitOptions): Promise<History> {
    const k = options.stepsPerExecution ?? 1;
    if (!Number.isInteger(k) || k < 1) throw new InvalidConfigError('stepsPerExecution', k, 'an integer >= 1');
    const seed = options.seed ?? this.seed;
    this.#checkSource(train, 'training');
    if (options.validationData) this.#checkSource(options.validationData, 'validation');
    const labelKind = labelKindOf(this.spec);
    const dataset = this.hooks.distribute(train, {
      globalBatchSize: options.globalBatchSize,
      labelKind,
      seed,
      shuffle: options.shuffle ?? true,
      dropRemainder: options.dropRemainder ?? this.hooks.dropRemainderByDefault ?? false,
      ...(options.virtualEpochSize !== undefined ? { virtualEpochSize: options.virtualEpochSize } : {}),
    });
    const validation = options.validationData
      ? this.hooks.distribute(options.validationData, { globalBatchSize: options.globalBatchSize, shuffle: false, labelKind })
      : undefined;
    await this.hooks.prepare(this.#perReplicaMax(options.globalBatchSize), k, true);
    return runFitLoop(this.engine, dataset, {
      epochs: options.epochs,
      seed,
      globalBatchSize: options.globalBatchSize,
      ...(options.initialEpoch !== undefined ? { initialEpoch: options.initialEpoch } : {}),
      ...(options.callbacks ? { callbacks: options.callbacks } : {}),
      ...(validation ? { validation } : {}),
      ...(options.profiler ? { profiler: options.profiler } : {}),
      metrics: metricLayout(this.spec.metrics),
    });
  }

  async evaluate(data: DataSource, options: { globalBatchSize?: number } = {}): Promise<EvaluateResult> {
    const globalBatchSize = options.globalBatchSize ?? DEFAULT_EVAL_GLOBAL_BATCH;
    this.#checkSource(data, 'evaluation');
    await this.hooks.prepare(this.#perReplicaMax(globalBatchSize), Math.max(1, this.engine.maxStagedSteps), false);
    return evaluateDataset(
      this.engine,
      this.hooks.distribute(data, { globalBatchSize, shuffle: false, labelKind: labelKindOf(this.spec) }),
      metricLayout(this.spec.metrics),
    );
  }

  async predict(data: DataSource, options: { globalBatchSize?: number } = {}): Promise<Float32Array> {
    const globalBatchSize = options.globalBatchSize ?? DEFAULT_EVAL_GLOBAL_BATCH;
    this.#checkSource(data, 'prediction');
    await this.hooks.prepare(this.#perReplicaMax(globalBatchSize), Math.max(1, this.engine.maxStagedSteps), false);
    const parts: Float32Array[] = [];
    const split = this.hooks.distributeLocally ?? this.hooks.distribute;
    for (const step of split.call(this.hooks, data, { globalBatchSize, shuffle: false, labelKind: labelKindOf(this.spec) }).epoch(0)) {
      parts.push(await this.engine.predict(step));
    }
    return concatFloat32(parts);
  }

  getWeights(): Promise<Float32Array> {
    return this.engine.getWeights();
  }
  setWeights(flat: Float32Array): Promise<void> {
    return this.engine.setWeights(flat);
  }
  exportOptimizerState(): Promise<OptimizerState> {
    return this.engine.exportOptimizerState();
  }
  importOptimizerState(state: OptimizerState): Promise<void> {
    return this.engine.importOptimizerState(state);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.hooks.dispose();
  }
}
