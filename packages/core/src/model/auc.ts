/**
 * ROC AUC as Keras' tf.keras.metrics.AUC computes it, from confusion counts that are sums
 * (so replicas and workers reduce them exactly).
 *
 * 1. Thresholds (aucThresholds): -eps, then i / (T - 1) for i = 1 .. T - 2, then 1 + eps
 *    (eps = 1e-7), so the first threshold counts every prediction positive and the last
 *    none; a prediction p is positive at threshold h when p > h.
 * 2. Counts per threshold i: TP_i, FP_i; with P positives and N negatives,
 *    TPR_i = TP_i / P and FPR_i = FP_i / N (0 when the divisor is 0, as divide_no_nan).
 * 3. AUC = sum over i of (FPR_i - FPR_{i+1}) * (TPR_i + TPR_{i+1}) / 2 (Keras'
 *    summation_method='interpolation' on the ROC curve: the trapezoid rule).
 */

/** Keras' epsilon that puts the end thresholds just outside [0, 1]. */
export const AUC_EPSILON = 1e-7;

/** The T thresholds, in float32 as every backend compares against them. */
export function aucThresholds(numThresholds: number): Float32Array {
  const t = new Float32Array(numThresholds);
  for (let i = 1; i < numThresholds - 1; i++) t[i] = i / (numThresholds - 1);
  t[0] = -AUC_EPSILON;
  t[numThresholds - 1] = 1 + AUC_EPSILON;
  return t;
}

/**
 * The AUC from a run of 2T + 2 summed counts at `offset`: [TP_0..TP_{T-1}, FP_0..FP_{T-1}, P, N].
 */
export function aucFromCounts(sums: ArrayLike<number>, offset: number, numThresholds: number): number {
  const T = numThresholds;
  const positives = sums[offset + 2 * T]!;
  const negatives = sums[offset + 2 * T + 1]!;
  const tpr = (i: number): number => (positives > 0 ? sums[offset + i]! / positives : 0);
  const fpr = (i: number): number => (negatives > 0 ? sums[offset + T + i]! / negatives : 0);
  let auc = 0;
  for (let i = 0; i < T - 1; i++) auc += (fpr(i) - fpr(i + 1)) * ((tpr(i) + tpr(i + 1)) / 2);
  return auc;
}
