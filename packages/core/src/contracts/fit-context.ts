/**
 * What callbacks can reach during fit, like Keras's `callback.model`: the weights and
 * optimizer state, where the data stream stands, and a flag to stop after this step.
 */
import type { TrainEngine } from './train-engine';

export interface FitContext {
  readonly engine: TrainEngine;
  /** Seed of the data stream and initialisation. */
  readonly seed: number;
  readonly globalBatchSize: number;
  readonly stepsPerEpoch: number;
  /** Epoch in progress (0-based) and steps finished in it. */
  epoch: number;
  stepInEpoch: number;
  /** Set by a callback to stop at the next step boundary. */
  stopTraining: boolean;
  /** Set (e.g. by a SIGTERM handler) to ask every worker to stop at the same step boundary. */
  preemptRequested: boolean;
  /** True once the workers agreed to stop for preemption (callbacks then checkpoint). */
  preempted: boolean;
}
