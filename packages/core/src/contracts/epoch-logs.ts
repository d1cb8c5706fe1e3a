/** Metrics of one finished epoch, as fit reports them to callbacks and History. */
export interface EpochLogs {
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  /** Training examples per second over the epoch. */
  readonly examplesPerSec: number;
  /** Share of step wall time spent in the all-reduce, 0..1. */
  readonly allReduceShare: number;
  readonly [key: string]: number | undefined;
}
