/**
 * Keras-style callbacks. With stepsPerExecution = k, batch hooks fire once per group of
 * k steps (as Keras does), with `step` = the last step of the group.
 */
import type { EpochLogs } from './epoch-logs';

export interface BatchLogs {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly examples: number;
}

export interface Callback {
  onTrainBegin?(info: { epochs: number; stepsPerEpoch: number; initialEpoch: number }): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(epoch: number, logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(): void | Promise<void>;
}
