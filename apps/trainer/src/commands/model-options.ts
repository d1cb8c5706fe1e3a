/**
 * The `syncline train` flags that complete a model spec (issue 17): --loss and --metrics
 * apply where the spec does not set them (a preset's loss counts as unset); a spec that
 * sets a different one is a conflict, named, rather than silently overridden. Kept apart
 * from train-options.ts so the model flags read as one idea.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { InvalidConfigError, lossNameSchema, metricSpecSchema, type LossName, type MetricSpecInput } from '@syncline/core';

/** What the model flags asked for (all optional). */
export interface ModelFlags {
  readonly loss?: LossName;
  readonly metrics?: readonly MetricSpecInput[];
}

/**
 * --metrics entries: a spec metric name, Keras' short names mse / mae, and `name:N` for the
 * one number a metric takes (topKAccuracy:3 is k = 3, auc:500 is 500 thresholds).
 */
const METRICS = ['accuracy', 'topKAccuracy[:k]', 'meanSquaredError', 'mse', 'meanAbsoluteError', 'mae', 'auc[:thresholds]'] as const;
const ALIASES: Readonly<Record<string, string>> = { mse: 'meanSquaredError', mae: 'meanAbsoluteError' };
const NUMBER_FIELD: Readonly<Record<string, string>> = { topKAccuracy: 'k', auc: 'numThresholds' };

/** One --metrics entry as the spec writes it: a bare name, or { name, k } / { name, numThresholds }. */
function metricEntry(entry: string): MetricSpecInput {
  const [rawName = '', number, ...rest] = entry.split(':');
  const name = ALIASES[rawName] ?? rawName;
  const field = NUMBER_FIELD[name];
  const value = number === undefined ? name : field && rest.length === 0 && /^\d+$/.test(number) ? { name, [field]: Number(number) } : undefined;
  const parsed = value === undefined ? undefined : metricSpecSchema.safeParse(value);
  if (!parsed?.success) {
    const why = parsed?.error.issues[0]?.message;
    throw new InvalidArgumentError(`--metrics takes ${METRICS.join(', ')} (comma-separated), got "${entry}"${why ? ` (${why})` : ''}`);
  }
  return value as MetricSpecInput;
}

function lossName(v: string): LossName {
  const parsed = lossNameSchema.safeParse(v);
  if (!parsed.success) throw new InvalidArgumentError(`--loss must be one of ${lossNameSchema.options.join(', ')}, got "${v}"`);
  return parsed.data;
}

function metricList(v: string): MetricSpecInput[] {
  return v.split(',').map((m) => metricEntry(m.trim()));
}

/** Adds --loss and --metrics to `cmd`. */
export function addModelFlags(cmd: Command): Command {
  return cmd
    .option('--loss <name>', `loss where the model spec sets none (${lossNameSchema.options.join(', ')})`, lossName)
    .option('--metrics <list>', `metrics where the model spec sets none (${METRICS.join(', ')})`, metricList);
}

/** Reads the model flags out of commander's options. */
export function validateModelFlags(o: Record<string, unknown>): ModelFlags {
  return {
    ...(o.loss !== undefined ? { loss: o.loss as LossName } : {}),
    ...(o.metrics !== undefined ? { metrics: o.metrics as MetricSpecInput[] } : {}),
  };
}

/**
 * A raw spec object with the flags filled in where it sets nothing.
 * @param presetLoss true for a built-in preset, whose loss the flag may replace
 * @throws InvalidConfigError naming the flag when the spec already sets a different value
 */
export function applyModelFlags(raw: Record<string, unknown>, flags: ModelFlags, source: string, presetLoss = false): Record<string, unknown> {
  const out = { ...raw };
  if (flags.loss !== undefined) {
    const set = raw.loss === undefined ? undefined : typeof raw.loss === 'string' ? raw.loss : (raw.loss as { name?: unknown }).name;
    if (set !== undefined && set !== flags.loss && !presetLoss) {
      throw new InvalidConfigError('--loss', flags.loss, `the loss ${source} sets ("${String(set)}"), or no --loss`);
    }
    if (set !== flags.loss) out.loss = flags.loss;
  }
  if (flags.metrics !== undefined) {
    if (raw.metrics !== undefined && JSON.stringify(raw.metrics) !== JSON.stringify(flags.metrics)) {
      const given = flags.metrics.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(',');
      throw new InvalidConfigError('--metrics', given, `the metrics ${source} sets (${JSON.stringify(raw.metrics)}), or no --metrics`);
    }
    out.metrics = [...flags.metrics];
  }
  return out;
}
