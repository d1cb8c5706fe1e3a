/**
 * The `syncline train` flags that complete a model spec (issue 17): --loss and --metrics
 * apply where the spec does not set them (a preset's loss counts as unset); a spec that
 * sets a different one is a conflict, named, rather than silently overridden. Kept apart
 * from train-options.ts so the model flags read as one idea.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { InvalidConfigError, lossNameSchema, type LossName } from '@syncline/core';

/** What the model flags asked for (all optional). */
export interface ModelFlags {
  readonly loss?: LossName;
  readonly metrics?: readonly string[];
}

const METRICS = ['accuracy'] as const;

function lossName(v: string): LossName {
  const parsed = lossNameSchema.safeParse(v);
  if (!parsed.success) throw new InvalidArgumentError(`--loss must be one of ${lossNameSchema.options.join(', ')}, got "${v}"`);
  return parsed.data;
}

function metricList(v: string): string[] {
  const list = v.split(',').map((m) => m.trim());
  const bad = list.find((m) => !(METRICS as readonly string[]).includes(m));
  if (bad !== undefined) throw new InvalidArgumentError(`--metrics takes ${METRICS.join(', ')} (comma-separated), got "${bad}"`);
  return list;
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
    ...(o.metrics !== undefined ? { metrics: o.metrics as string[] } : {}),
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
      throw new InvalidConfigError('--metrics', flags.metrics.join(','), `the metrics ${source} sets (${JSON.stringify(raw.metrics)}), or no --metrics`);
    }
    out.metrics = [...flags.metrics];
  }
  return out;
}
