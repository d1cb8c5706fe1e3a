/**
 * Metrics of one finished epoch, as fit reports them to callbacks and History. Beside loss
 * and accuracy, the spec's other metrics appear under their log keys (model/metric-layout.ts:
 * topKAccuracy, mse, mae, auc) and, with validation data, as valTopKAccuracy, valMse, valMae,
 * valAuc; each is computed from sums over every example of the epoch (never a mean of means).
 */
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
