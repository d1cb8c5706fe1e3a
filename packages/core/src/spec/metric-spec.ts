/**
 * The metrics a model spec may name (Keras' compile(metrics=...)), beside its loss. Every
 * metric is computed from the model's predictions as `predict` returns them (the final
 * softmax or sigmoid applied, also when the loss reads logits) and each example's integer
 * label, and is carried through the replicas as SUMS (counts, sums of errors, confusion
 * counts), so the cross-replica and cross-worker reduction is exact, never a mean of means:
 * - 'accuracy': argmax == label (categorical), (p > 0.5) == label (binary); Keras accuracy;
 * - topKAccuracy (k, default 5): the label's score is among the k highest, ties counted in
 *   as tf.math.in_top_k does; Keras sparse_top_k_categorical_accuracy;
 * - meanSquaredError / meanAbsoluteError: per example, the mean over the output units of
 *   (p - t)^2 / |p - t|, t the one-hot label for a wider-than-one output, else the label;
 *   Keras mse / mae, usable beside any loss;
 * - auc (numThresholds, default 200): ROC AUC of a one-unit (binary) output from true and
 *   false positives at Keras' thresholds, by the interpolated Riemann sum; Keras AUC().
 * A bare name takes the defaults: `['accuracy', 'topKAccuracy', 'auc']`.
 */
import { z } from 'zod';

export const metricNameSchema = z.enum(['accuracy', 'topKAccuracy', 'meanSquaredError', 'meanAbsoluteError', 'auc']);

/** Keras' top-k default (sparse_top_k_categorical_accuracy). */
export const DEFAULT_TOP_K = 5;
/** Keras' AUC default (tf.keras.metrics.AUC(num_thresholds=200)). */
export const DEFAULT_AUC_THRESHOLDS = 200;

export const topKAccuracySchema = z.strictObject({ name: z.literal('topKAccuracy'), k: z.number().int().positive().default(DEFAULT_TOP_K) });
export const aucMetricSchema = z.strictObject({
  name: z.literal('auc'),
  /** Thresholds of the ROC curve, the two end points included (Keras needs more than 1). */
  numThresholds: z.number().int().min(2).max(10_000).default(DEFAULT_AUC_THRESHOLDS),
});

export const metricSpecSchema = z.union([
  metricNameSchema,
  z.strictObject({ name: z.enum(['accuracy', 'meanSquaredError', 'meanAbsoluteError']) }),
  topKAccuracySchema,
  aucMetricSchema,
]);

const nameOf = (m: MetricSpec): MetricName => (typeof m === 'string' ? m : m.name);

/** A spec's metrics: each name at most once (its log key would clash). */
export const metricListSchema = z.array(metricSpecSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((m, i) => {
    const name = nameOf(m);
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i], message: `metric "${name}" is named twice; name each metric once` });
    seen.add(name);
  });
});

export type MetricName = z.infer<typeof metricNameSchema>;
export type MetricSpec = z.infer<typeof metricSpecSchema>;
export type MetricSpecInput = z.input<typeof metricSpecSchema>;

/** The name of a metric entry, bare or object. */
export function metricName(m: MetricSpec): MetricName {
  return nameOf(m);
}
