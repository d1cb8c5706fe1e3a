/**
 * The spec's metrics beyond accuracy as one graph output, `metric_sums` [layout.size]: sums
 * over the batch laid out by core's metricLayout, computed from the loss head's `probs`
 * (what predict returns) and the labels (int32 ids or float32 targets), so the train and eval graphs report them in
 * the same run as the loss:
 * - topK: p[y] = ReduceSum(probs * onehot) per row (exact); an example is a hit when fewer
 *   than k units score strictly higher (ties are in, as tf.math.in_top_k);
 * - mse / mae: ReduceSum((probs - t)^2 or |probs - t|) / width, t = onehot(y) on a wider
 *   output, else y;
 * - auc: Greater(probs [N, 1], thresholds [1, T]) -> [N, T]; true / false positives are
 *   its column sums weighted by (y != 0) / (y == 0); then the positives and negatives.
 * Nothing is added when the layout is empty (accuracy only).
 */
import { aucThresholds, type MetricLayout } from '@syncline/core';
import { DataType } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';
import { LABELS_INPUT, PROBS } from './loss-head';

export const METRIC_SUMS = 'metric_sums';

/** Adds `metric_sums` to a graph that already has the loss head. @returns whether it did. */
export function buildMetricHead(b: GraphBuilder, width: number, layout: MetricLayout): boolean {
  if (layout.size === 0) return false;
  const axes = (a: number): string => b.constInt64([a]);
  const sumAll = (v: string): string => b.op('Reshape', [b.op('ReduceSum', [v], { keepdims: 0 }), b.constInt64([1])]);
  const float = (v: string): string => b.op('Cast', [v], { to: DataType.FLOAT });
  const oneHot = (): string =>
    b.op('OneHot', [b.op('Cast', [LABELS_INPUT], { to: DataType.INT64 }), b.constInt64([width], []), b.constFloat([0, 1], [2])], { axis: -1 });
  const column = (v: string): string => b.op('Reshape', [v, b.constInt64([-1, 1])]);
  const parts: string[] = [];
  for (const s of layout.slots) {
    if (s.kind === 'topK') {
      const target = b.op('ReduceSum', [b.op('Mul', [PROBS, oneHot()]), axes(1)], { keepdims: 1 });
      const above = b.op('ReduceSum', [float(b.op('Greater', [PROBS, target])), axes(1)], { keepdims: 0 });
      parts.push(sumAll(float(b.op('Less', [above, b.scalar(s.k)]))));
    } else if (s.kind === 'mse' || s.kind === 'mae') {
      const t = width > 1 ? oneHot() : column(float(LABELS_INPUT));
      const d = b.op('Sub', [PROBS, t]);
      const e = s.kind === 'mse' ? b.op('Mul', [d, d]) : b.op('Abs', [d]);
      parts.push(b.op('Div', [sumAll(e), b.scalar(width)]));
    } else {
      const positives = column(float(b.op('Cast', [LABELS_INPUT], { to: DataType.BOOL })));
      const thresholds = b.constFloat(aucThresholds(s.numThresholds), [1, s.numThresholds]);
      const above = float(b.op('Greater', [column(PROBS), thresholds]));
      parts.push(b.op('ReduceSum', [b.op('Mul', [above, positives]), axes(0)], { keepdims: 0 }));
      const negatives = b.op('Sub', [b.scalar(1), positives]);
      parts.push(b.op('ReduceSum', [b.op('Mul', [above, negatives]), axes(0)], { keepdims: 0 }));
      parts.push(sumAll(positives), sumAll(negatives));
    }
  }
  b.node('Concat', parts, [METRIC_SUMS], { axis: 0 });
  b.addOutput(METRIC_SUMS, DataType.FLOAT, [layout.size]);
  return true;
}
