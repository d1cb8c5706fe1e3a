/**
 * The metric sums of one batch computed in plain TypeScript from predictions and labels:
 * the reference the backends' in-graph computations are tested against, and what a backend
 * without in-graph metrics may call on its predictions. Slot meanings: metric-layout.ts.
 *
 * Per example e with predictions p[e, 0..w) (as predict returns them) and label y[e]:
 * - topK: 1 when fewer than k units score strictly above p[e, y] (ties are in, as in_top_k);
 * - mse / mae: mean over the w units of (p - t)^2 / |p - t|, t = onehot(y) when w > 1, else y;
 * - auc (w = 1): TP_i += [p > h_i and y != 0], FP_i += [p > h_i and y == 0], then P or N += 1.
 */
import type { MetricLayout } from './metric-layout';
import { aucThresholds } from './auc';

/**
 * Adds one batch's sums into `out` (length layout.size).
 * @param preds `size * width` predictions, row-major
 * @param labels one integer label per example
 */
export function addMetricSums(
  layout: MetricLayout,
  preds: ArrayLike<number>,
  labels: ArrayLike<number>,
  size: number,
  width: number,
  out: Float64Array | Float32Array,
): void {
  for (const s of layout.slots) {
    if (s.kind === 'topK') {
      let hits = 0;
      for (let e = 0; e < size; e++) {
        const row = e * width;
        const target = preds[row + labels[e]!]!;
        let above = 0;
        for (let j = 0; j < width; j++) if (preds[row + j]! > target) above++;
        if (above < s.k) hits++;
      }
      out[s.offset] = out[s.offset]! + hits;
    } else if (s.kind === 'mse' || s.kind === 'mae') {
      let total = 0;
      for (let e = 0; e < size; e++) {
        let perExample = 0;
        for (let j = 0; j < width; j++) {
          const t = width > 1 ? (labels[e] === j ? 1 : 0) : labels[e]!;
          const d = preds[e * width + j]! - t;
          perExample += s.kind === 'mse' ? d * d : Math.abs(d);
        }
        total += perExample / width;
      }
      out[s.offset] = out[s.offset]! + total;
    } else {
      const T = s.numThresholds;
      const h = aucThresholds(T);
      for (let e = 0; e < size; e++) {
        const p = preds[e * width]!;
        const positive = labels[e] !== 0;
        for (let i = 0; i < T; i++) {
          if (p > h[i]!) {
            const at = s.offset + (positive ? i : T + i);
            out[at] = out[at]! + 1;
          }
        }
        const at = s.offset + 2 * T + (positive ? 0 : 1);
        out[at] = out[at]! + 1;
      }
    }
  }
}
