/**
 * The log keys of issue 17's metrics beyond accuracy, apart from how reports show them
 * (metric-columns.ts), so the run history can read them back without importing the report
 * code that itself reads the history.
 */

/** Training keys in display order; each has a validation twin (validationKey). */
export const EXTRA_TRAIN_KEYS = ['topKAccuracy', 'mse', 'mae', 'auc'] as const;
export const EXTRA_VALIDATION_KEYS = ['valTopKAccuracy', 'valMse', 'valMae', 'valAuc'] as const;
export type ExtraMetricKey = (typeof EXTRA_TRAIN_KEYS)[number] | (typeof EXTRA_VALIDATION_KEYS)[number];
export const EXTRA_METRIC_KEYS: readonly ExtraMetricKey[] = [...EXTRA_TRAIN_KEYS, ...EXTRA_VALIDATION_KEYS];
