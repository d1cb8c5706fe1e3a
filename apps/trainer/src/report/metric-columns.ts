/**
 * Issue 17's metrics beyond accuracy as the reports show them. Epoch logs carry them under
 * core's log keys (topKAccuracy, mse, mae, auc, and valTopKAccuracy ... with validation);
 * metrics.jsonl and --json keep those keys, while the console table and TensorBoard use
 * Keras' snake_case (top_k_accuracy, mse, mae, auc; TensorBoard tags epoch_<name> in the
 * train and validation runs, as Keras' TensorBoard callback writes them); report.html
 * charts each one the run logged (extraMetricCharts).
 */
import type { MetricChart } from './chart-specs';
import { EXTRA_METRIC_KEYS, EXTRA_TRAIN_KEYS, type ExtraMetricKey } from './metric-keys';
import type { EpochRow } from './run-history';

export { EXTRA_METRIC_KEYS, EXTRA_TRAIN_KEYS, EXTRA_VALIDATION_KEYS, type ExtraMetricKey } from './metric-keys';

/** The extra metrics `logs` holds, in display order (training, then validation). */
export function extraMetrics(logs: Readonly<Record<string, unknown>>): [ExtraMetricKey, number][] {
  return EXTRA_METRIC_KEYS.flatMap((k) => (typeof logs[k] === 'number' ? [[k, logs[k]]] : []));
}

/** Keras' name of a log key: topKAccuracy -> top_k_accuracy, valAuc -> val_auc. */
export function kerasName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const TITLES: Readonly<Record<(typeof EXTRA_TRAIN_KEYS)[number], string>> = {
  topKAccuracy: 'Top-k accuracy',
  mse: 'Mean squared error',
  mae: 'Mean absolute error',
  auc: 'ROC AUC',
};

/** One report chart per extra metric that some row holds (validation beside training). */
export function extraMetricCharts(rows: readonly EpochRow[]): MetricChart[] {
  return EXTRA_TRAIN_KEYS.filter((k) => rows.some((r) => typeof r[k] === 'number')).map((k) => {
    const val = `val${k[0]!.toUpperCase()}${k.slice(1)}` as ExtraMetricKey;
    const rate = k === 'topKAccuracy' || k === 'auc';
    return {
      key: kerasName(k).replace(/_/g, '-'),
      title: TITLES[k],
      axisTitle: kerasName(k),
      format: rate ? '.1~%' : '.3~f',
      zero: false,
      training: (r: EpochRow) => r[k],
      validation: (r: EpochRow) => r[val],
    };
  });
}
