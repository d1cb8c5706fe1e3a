/**
 * Options and results of the Keras-shaped fit/evaluate loop shared by every strategy.
 * Counts are in examples; an epoch is `virtualEpochSize` examples when given (a virtual
 * epoch), else one pass over the data.
 */
import type { ExampleSource } from './example-source';
import type { DataSource } from './data-source';
import type { Callback } from './callback';
import type { EpochLogs } from './epoch-logs';
import type { StepProfiler } from './step-profiler';

export interface FitOptions {
  readonly epochs: number;
  readonly globalBatchSize: number;
  readonly virtualEpochSize?: number;
  readonly stepsPerExecution?: number;
  readonly seed?: number;
  readonly shuffle?: boolean;
  readonly dropRemainder?: boolean;
  readonly validationData?: DataSource;
  readonly callbacks?: readonly Callback[];
  /** Epoch to start from (BackupAndRestore sets it when resuming). */
  readonly initialEpoch?: number;
  /** Receives each step's phases on every local replica and the coordinator's work between steps. */
  readonly profiler?: StepProfiler;
}

export interface History {
  readonly epochs: readonly number[];
  readonly history: readonly EpochLogs[];
}

export interface EvaluateResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
  /** The spec's other metrics by log key (topKAccuracy, mse, mae, auc; model/metric-layout.ts). */
  readonly [metric: string]: number;
}
