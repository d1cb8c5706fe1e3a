/**
 * The compiled train step (PJRT/XLA, as TPUStrategy does): one program per call runs
 * forward, backward, the cross-replica all-reduce and the update for k steps; the
 * strategy only feeds stacked batches and reads metrics back.
 */
import type { Batch } from './batch';
import type { OptimizerState } from './optimizer-state';
import type { BatchMetrics } from './replica-program';
import type { WeightLayout } from './weight-layout';

export interface StackedBatches {
  /** Number of steps k in this call. */
  readonly steps: number;
  /** batches[step][replica]; every batch must have the program's static per-replica size. */
  readonly batches: readonly (readonly Batch[])[];
}

export interface CompiledProgram {
  readonly layout: WeightLayout;
  readonly numReplicas: number;
  readonly perReplicaBatch: number;
  readonly stepsPerExecution: number;
  /** Runs `stacked.steps` train steps in one call; metrics per step, summed over replicas. */
  trainSteps(stacked: StackedBatches): Promise<BatchMetrics[]>;
  evaluate(batch: Batch): Promise<BatchMetrics>;
  predict(batch: Batch): Promise<Float32Array>;
  getWeights(): Promise<Float32Array>;
  setWeights(flat: Float32Array): Promise<void>;
  exportOptimizerState(): Promise<OptimizerState>;
  importOptimizerState(state: OptimizerState): Promise<void>;
  dispose(): Promise<void>;
}
