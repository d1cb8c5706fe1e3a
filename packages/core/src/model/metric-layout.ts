/**
 * Where each metric of a spec keeps its sums in the per-batch metric vector
 * (BatchMetrics.sums), and how epoch logs are made from the summed vector.
 *
 * 1. Layout: 'accuracy' rides in BatchMetrics.correct (no slot); every other metric takes
 *    a fixed run of slots, in spec order: topKAccuracy 1 (hits), meanSquaredError 1 and
 *    meanAbsoluteError 1 (sums over examples of the per-example mean error), auc
 *    2 * T + 2 (true positives at each of the T thresholds, false positives at each, then
 *    the positives and the negatives: true and false negatives are positives - TP and
 *    negatives - FP, so carrying them too would only double the all-reduce).
 * 2. Reduction: engines add the vectors element-wise across replicas, workers and steps;
 *    every slot is a sum, so the reduced vector is the one of the global batch.
 * 3. Logs: metricLogs divides the sums by the example count (topK, mse, mae) or computes
 *    the ROC AUC from the counts (auc.ts). A spec naming only 'accuracy' has size 0, and its
 *    batches carry no vector at all.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';
import { metricName, type MetricSpec } from '../spec/metric-spec';
import { DEFAULT_AUC_THRESHOLDS, DEFAULT_TOP_K } from '../spec/metric-spec';
import { aucFromCounts } from './auc';

/** One metric's run of slots in the sums vector. */
export type MetricSlot =
  | { readonly kind: 'topK'; readonly key: 'topKAccuracy'; readonly offset: number; readonly length: 1; readonly k: number }
  | { readonly kind: 'mse'; readonly key: 'mse'; readonly offset: number; readonly length: 1 }
  | { readonly kind: 'mae'; readonly key: 'mae'; readonly offset: number; readonly length: 1 }
  | { readonly kind: 'auc'; readonly key: 'auc'; readonly offset: number; readonly length: number; readonly numThresholds: number };

export interface MetricLayout {
  /** Whether 'accuracy' is among the metrics (its count is BatchMetrics.correct). */
  readonly accuracy: boolean;
  readonly slots: readonly MetricSlot[];
  /** Length of the sums vector; 0 when only accuracy (or nothing) is asked for. */
  readonly size: number;
}

/** The log key of each metric (EpochLogs; validation keys prefix `val` and capitalise). */
export const METRIC_LOG_KEYS = { accuracy: 'accuracy', topKAccuracy: 'topKAccuracy', meanSquaredError: 'mse', meanAbsoluteError: 'mae', auc: 'auc' } as const;

/**
 * The layout of a spec's metrics.
 * @param outputWidth the model's output units, when known: checks that auc has a one-unit
 *   output and topKAccuracy a categorical (wider) one
 * @throws InvalidConfigError naming `metrics` when a metric does not fit the output
 */
export function metricLayout(metrics: readonly MetricSpec[], outputWidth?: number): MetricLayout {
  const slots: MetricSlot[] = [];
  let offset = 0;
  for (const m of metrics) {
    const name = metricName(m);
    if (name === 'accuracy') continue;
    if (name === 'topKAccuracy') {
      if (outputWidth !== undefined && outputWidth < 2) {
        throw new InvalidConfigError('metrics', m, `topKAccuracy on a model with one class per example: it needs a categorical output of 2 or more units`);
      }
      slots.push({ kind: 'topK', key: 'topKAccuracy', offset, length: 1, k: typeof m === 'string' ? DEFAULT_TOP_K : (m as { k: number }).k });
      offset += 1;
    } else if (name === 'meanSquaredError' || name === 'meanAbsoluteError') {
      slots.push(name === 'meanSquaredError' ? { kind: 'mse', key: 'mse', offset, length: 1 } : { kind: 'mae', key: 'mae', offset, length: 1 });
      offset += 1;
    } else {
      if (outputWidth !== undefined && outputWidth !== 1) {
        throw new InvalidConfigError('metrics', m, `auc on a binary output: the last layer has ${outputWidth} units, auc needs 1 (a sigmoid or logit unit)`);
      }
      const numThresholds = typeof m === 'string' ? DEFAULT_AUC_THRESHOLDS : (m as { numThresholds: number }).numThresholds;
      slots.push({ kind: 'auc', key: 'auc', offset, length: 2 * numThresholds + 2, numThresholds });
      offset += 2 * numThresholds + 2;
    }
  }
  return { accuracy: metrics.some((m) => metricName(m) === 'accuracy'), slots, size: offset };
}

/**
 * Every metric's value from summed metrics. `sums` is the element-wise sum of BatchMetrics.sums
 * over the examples counted in `count` (ignored when the layout's size is 0).
 * @returns a record keyed by METRIC_LOG_KEYS (accuracy included when the layout has it)
 */
export function metricLogs(layout: MetricLayout, count: number, correct: number, sums: ArrayLike<number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (layout.accuracy) out.accuracy = count ? correct / count : 0;
  for (const s of layout.slots) {
    if (s.kind === 'auc') {
      out.auc = sums ? aucFromCounts(sums, s.offset, s.numThresholds) : 0;
    } else {
      out[s.key] = sums && count ? sums[s.offset]! / count : 0;
    }
  }
  return out;
}

/** `val` + the key with its first letter capitalised: valAccuracy, valTopKAccuracy, valMse, valAuc. */
export function validationKey(key: string): string {
  return `val${key[0]!.toUpperCase()}${key.slice(1)}`;
}

/** Adds `sums` element-wise into `into` (a new copy when there is none yet); returns the accumulator. */
export function addSums<T extends Float32Array | Float64Array>(into: T | undefined, sums: ArrayLike<number>, make: (n: number) => T): T {
  if (!into) into = make(sums.length);
  for (let i = 0; i < sums.length; i++) into[i] = into[i]! + sums[i]!;
  return into;
}
