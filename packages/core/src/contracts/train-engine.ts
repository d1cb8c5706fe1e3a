/**
 * What the shared fit loop drives: the replicas of one strategy, orchestrated (worker
 * pool + communicator) or compiled (one PJRT program). The loop, data pipeline,
 * callbacks and checkpoints are the same for both.
 */
import type { Batch } from './batch';
import type { OptimizerState } from './optimizer-state';
import type { BatchMetrics } from './replica-program';
import type { StepPhaseTimes, StepProfiler } from './step-profiler';
import type { WeightLayout } from './weight-layout';

export interface StepResult extends BatchMetrics {
  /** Wall time of the step, ms (slowest replica). */
  readonly stepMs: number;
  /** Time spent in the all-reduce, ms (slowest replica; 0 for compiled steps). */
  readonly allReduceMs: number;
  /** A preemption was requested on some worker; all workers see it at this step. */
  readonly stopRequested?: boolean;
  /** Where this step's time went on this process's first replica (orchestrated engines). */
  readonly phases?: StepPhaseTimes;
}

export interface RunStagedOptions {
  /** Tells every rank (through the step's all-reduce) that this worker must stop. */
  readonly preempt?: boolean;
  /** Receives every local replica's phases of every step (see StepProfiler). */
  readonly profiler?: StepProfiler;
  /** Index of the first staged step over the whole fit (what the profiler is told). */
  readonly firstStep?: number;
}

export interface TrainEngine {
  readonly numReplicas: number;
  readonly layout: WeightLayout;
  /** Most steps one `runStaged` may hold (stepsPerExecution). */
  readonly maxStagedSteps: number;
  /**
   * Copies one step's per-replica batches (batches[replica]) into the engine's staging
   * area now, so the caller may reuse their buffers at once. Staging writes to the
   * buffer set not in use by a running group, so the next group is prepared while the
   * replicas compute the current one (prefetch).
   */
  stageStep(batches: readonly Batch[]): void;
  /**
   * Runs every staged step in one round trip; each step's metrics summed over replicas.
   * `preempt` tells every rank (through the step's all-reduce) that this worker must stop.
   */
  runStaged(options?: RunStagedOptions): Promise<StepResult[]>;
  /** Metrics of one global batch split across replicas (batches[replica]). */
  evaluate(batches: readonly Batch[]): Promise<BatchMetrics>;
  /** Class probabilities for batches[replica], concatenated in replica order. */
  predict(batches: readonly Batch[]): Promise<Float32Array>;
  getWeights(): Promise<Float32Array>;
  setWeights(flat: Float32Array): Promise<void>;
  exportOptimizerState(): Promise<OptimizerState>;
  importOptimizerState(state: OptimizerState): Promise<void>;
}
