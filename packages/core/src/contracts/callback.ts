/**
 * Keras-style callbacks. With stepsPerExecution = k, batch hooks fire once per group of
 * k steps (as Keras does), with `step` = the last step of the group.
 */
import type { EpochLogs } from './epoch-logs';
import type { FitContext } from './fit-context';
import type { StepPhaseTimes } from './step-profiler';

export interface BatchLogs {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly examples: number;
  /**
   * Where the group's last step spent its time on this process's first replica (data wait,
   * forward+backward, all-reduce and its wait for the slowest rank, optimizer; ms); absent
   * for compiled (TPU) steps. Checkpoints between steps reach a StepProfiler's spans instead.
   */
  readonly phases?: StepPhaseTimes;
}

export interface ResumePoint {
  readonly epoch: number;
  readonly step: number;
}

export interface Callback {
  /** Names the coordinator phase this callback's hooks are in a profile (BackupAndRestore: 'checkpoint'). */
  readonly profilePhase?: 'checkpoint';
  /** May return where to resume (BackupAndRestore): an epoch, or an epoch and a step in it; the latest wins. */
  onTrainBegin?(
    ctx: FitContext,
    info: { epochs: number; stepsPerEpoch: number; initialEpoch: number },
  ): void | number | ResumePoint | Promise<void | number | ResumePoint>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(epoch: number, logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(): void | Promise<void>;
}
