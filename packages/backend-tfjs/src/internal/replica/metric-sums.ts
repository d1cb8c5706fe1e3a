/**
 * The spec's metrics beyond accuracy as one float32 vector of sums over the batch, laid out
 * by core's metricLayout (see its header for the slots), computed with tfjs ops on the
 * predictions (what predict returns: `probabilities` of the output):
 * - topK: p[y] by a one-hot dot product (exact), then 1 per example where fewer than k
 *   units score strictly higher (ties are in, as tf.math.in_top_k);
 * - mse / mae: sum of (p - t)^2 / |p - t| over the batch and units, divided by the width
 *   (t = onehot(y) on a wider output, else y);
 * - auc: p [B, 1] > thresholds [1, T] -> [B, T]; true / false positives are its column sums
 *   over the positive (y != 0) / negative examples; then the positives and negatives.
 * The accuracy-only layout (size 0) builds nothing: computeGradients stays as it was.
 */
import * as tf from '@tensorflow/tfjs';
import { aucThresholds, type MetricLayout } from '@syncline/core';

/** Call inside tf.tidy. `preds` [B, width]; `labels` int32 [B]. Returns [layout.size]. */
export function metricSums(layout: MetricLayout, preds: tf.Tensor2D, labels: tf.Tensor1D, width: number): tf.Tensor1D {
  const parts: tf.Tensor1D[] = [];
  const oneHot = (): tf.Tensor2D => tf.oneHot(labels, width).toFloat() as tf.Tensor2D;
  for (const s of layout.slots) {
    if (s.kind === 'topK') {
      const target = tf.sum(tf.mul(preds, oneHot()), 1, true);
      const above = tf.sum(tf.cast(tf.greater(preds, target), 'float32'), 1);
      parts.push(tf.reshape(tf.sum(tf.cast(tf.less(above, s.k), 'float32')), [1]));
    } else if (s.kind === 'mse' || s.kind === 'mae') {
      const t = width > 1 ? oneHot() : tf.reshape(labels.toFloat(), [-1, 1]);
      const d = tf.sub(preds, t);
      const e = s.kind === 'mse' ? tf.mul(d, d) : tf.abs(d);
      parts.push(tf.reshape(tf.div(tf.sum(e), width), [1]));
    } else {
      const positives = tf.reshape(tf.cast(tf.cast(labels, 'bool'), 'float32'), [-1, 1]);
      const above = tf.cast(tf.greater(tf.reshape(preds, [-1, 1]), tf.tensor2d(aucThresholds(s.numThresholds), [1, s.numThresholds])), 'float32');
      parts.push(tf.sum(tf.mul(above, positives), 0) as tf.Tensor1D);
      parts.push(tf.sum(tf.mul(above, tf.sub(1, positives)), 0) as tf.Tensor1D);
      const p = tf.sum(positives);
      parts.push(tf.reshape(tf.stack([p, tf.sub(labels.shape[0], p)]), [2]));
    }
  }
  return tf.concat(parts);
}
