/**
 * Where a training step's time goes, per replica, and who listens. A replica measures
 * its own phases with its own clock (wall-clock epoch milliseconds, so threads,
 * processes and hosts can be compared); the engine hands them to a StepProfiler on the
 * coordinator, and the fit loop adds the coordinator's own work between steps
 * (checkpoints, validation, callbacks). Phases of one step are contiguous:
 *   startMs ... dataWait | forwardBackward | other | allReduce | optimizer ... startMs + stepMs
 * so they sum to the step's wall time on that replica by construction; the coordinator's
 * spans fall inside the next step's data wait (they delay the next batch).
 */

/** One step of one replica. Every duration is in milliseconds. */
export interface StepPhaseTimes {
  /** Global rank of the replica (across every worker of the group). */
  readonly replica: number;
  /** Wall clock (ms since the epoch) when the replica finished its previous step: the data wait starts here. */
  readonly startMs: number;
  /** From the previous step's end to this step's start: waiting for the batch (and for the coordinator). */
  readonly dataWaitMs: number;
  /** computeGradients: forward and backward pass. */
  readonly forwardBackwardMs: number;
  /** Copies between the backend's gradients and the collective's buffer. */
  readonly otherMs: number;
  /** The step's collectives in total (all-reduce, or reduce-scatter + all-gather when sharded). */
  readonly allReduceMs: number;
  /**
   * The part of allReduceMs spent waiting for the slowest rank to arrive, estimated from
   * every rank's busy time since the previous collective (carried in the all-reduce itself);
   * the rest, allReduceMs - peerWaitMs, is the transfer.
   */
  readonly peerWaitMs: number;
  /** Applying the averaged gradient (optimizer step). */
  readonly optimizerMs: number;
  /** Bytes this replica passed to the step's collectives. */
  readonly bytes: number;
  /** Time from the end of this replica's previous collective to the start of this step's all-reduce. */
  readonly busyMs: number;
}

/**
 * Every rank's busy and waiting time summed since training began, as every replica learns
 * them through the step's all-reduce: busyMs[r] (working since the previous collective)
 * and peerWaitMs[r] (waiting in the all-reduce for the slowest), plus the step wall time
 * summed over the same steps on this replica. Differences of two snapshots give an interval.
 */
export interface RankTotals {
  readonly steps: number;
  readonly stepMs: number;
  readonly busyMs: Float64Array;
  readonly peerWaitMs: Float64Array;
}

/** Coordinator work between steps, shown in the timeline and counted out of the next step's data wait. */
export type CoordinatorSpanName = 'checkpoint' | 'validation' | 'callbacks';

export interface StepProfiler {
  /**
   * One step of one local replica, `step` counted from 0 over the whole fit (epochs included).
   * Called for every replica of this process, in step order. Keep it cheap: it runs per step.
   */
  replicaStep(step: number, phases: StepPhaseTimes): void;
  /** Totals after `step` (the last of a group), from this process's first replica. */
  rankTotals?(step: number, totals: RankTotals): void;
  /** Coordinator work of `durationMs` starting at `startMs` (epoch ms), before step `beforeStep` runs. */
  span?(name: CoordinatorSpanName, beforeStep: number, startMs: number, durationMs: number): void;
  /** The coordinator saw steps up to `lastStep` finish at `endMs` (epoch ms): its own measure of step time. */
  groupEnd?(firstStep: number, lastStep: number, endMs: number): void;
}

/** Wall clock in ms since the epoch with sub-millisecond precision, comparable across threads of one host. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
