/**
 * Issue 17's metrics beyond accuracy as the reports show them. Epoch logs carry them under
 * core's log keys (topKAccuracy, mse, mae, auc, and valTopKAccuracy ... with validation);
 * metrics.jsonl and --json keep those keys, while the console table and TensorBoard use
 * Keras' snake_case (top_k_accuracy, mse, mae, auc; TensorBoard tags epoch_<name> in the
 * train and validation runs, as Keras' TensorBoard callback writes them).
 */

/** Training keys in display order; each has a validation twin (validationKey). */
export const EXTRA_TRAIN_KEYS = ['topKAccuracy', 'mse', 'mae', 'auc'] as const;
export const EXTRA_VALIDATION_KEYS = ['valTopKAccuracy', 'valMse', 'valMae', 'valAuc'] as const;
export type ExtraMetricKey = (typeof EXTRA_TRAIN_KEYS)[number] | (typeof EXTRA_VALIDATION_KEYS)[number];
export const EXTRA_METRIC_KEYS: readonly ExtraMetricKey[] = [...EXTRA_TRAIN_KEYS, ...EXTRA_VALIDATION_KEYS];

/** The extra metrics `logs` holds, in display order (training, then validation). */
export function extraMetrics(logs: Readonly<Record<string, unknown>>): [ExtraMetricKey, number][] {
  return EXTRA_METRIC_KEYS.flatMap((k) => (typeof logs[k] === 'number' ? [[k, logs[k]]] : []));
}

/** Keras' name of a log key: topKAccuracy -> top_k_accuracy, valAuc -> val_auc. */
export function kerasName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
