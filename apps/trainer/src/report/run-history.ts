/**
 * A run's per-epoch history as metrics.jsonl holds it, kept whole across resumes:
 *   1. a resumed run (BackupAndRestore restarted it at epoch k) reads metrics.jsonl back
 *      and keeps epochs 1..k, the last line of each epoch winning (de-duplicated);
 *   2. a fresh run (k = 0) starts an empty history;
 *   3. the file is rewritten with exactly the kept rows, then each finished epoch is
 *      appended, so metrics.jsonl and the report always show the same epochs.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { EXTRA_METRIC_KEYS, type ExtraMetricKey } from './metric-keys';

/** One finished epoch as the report shows it; `epoch` counts from 1; the spec's other metrics (metric-columns.ts) when it names them. */
export type EpochRow = EpochRowBase & { readonly [K in ExtraMetricKey]?: number };

interface EpochRowBase {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly examplesPerSec: number;
  readonly allReduceShare: number;
  /** When the epoch finished (ISO 8601). */
  readonly time?: string;
}

const isNum = (v: unknown): v is number => typeof v === 'number';

/** A metrics.jsonl line as an EpochRow, or undefined when it is not one (a torn last line, another tool's line). */
export function parseEpochLine(line: string): EpochRow | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  if (!isNum(r.epoch) || !Number.isInteger(r.epoch) || r.epoch < 1 || !isNum(r.loss) || !isNum(r.accuracy)) return undefined;
  return {
    epoch: r.epoch,
    loss: r.loss,
    accuracy: r.accuracy,
    ...(isNum(r.valLoss) ? { valLoss: r.valLoss } : {}),
    ...(isNum(r.valAccuracy) ? { valAccuracy: r.valAccuracy } : {}),
    examplesPerSec: isNum(r.examplesPerSec) ? r.examplesPerSec : Number.NaN,
    allReduceShare: isNum(r.allReduceShare) ? r.allReduceShare : Number.NaN,
    ...(typeof r.time === 'string' ? { time: r.time } : {}),
    ...Object.fromEntries(EXTRA_METRIC_KEYS.flatMap((k) => (isNum(r[k]) ? [[k, r[k]]] : []))),
  };
}

/** Rows of epochs 1..`upTo` from metrics.jsonl text, one per epoch (the last line wins), in epoch order. */
export function historyUpTo(text: string, upTo: number): EpochRow[] {
  const byEpoch = new Map<number, EpochRow>();
  for (const line of text.split('\n')) {
    const row = line.trim() ? parseEpochLine(line) : undefined;
    if (row && row.epoch <= upTo) byEpoch.set(row.epoch, row);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** metrics.jsonl and the rows it holds; the rows are what the report draws. */
export class RunHistory {
  readonly #rows: EpochRow[] = [];

  constructor(readonly file: string) {}

  get rows(): readonly EpochRow[] {
    return this.#rows;
  }

  /**
   * Starts the history of a run that begins at 0-based epoch `startEpoch`: keeps the
   * file's epochs 1..startEpoch (none for a fresh run) and rewrites the file with them.
   */
  begin(startEpoch: number): void {
    const kept = startEpoch > 0 && existsSync(this.file) ? historyUpTo(readFileSync(this.file, 'utf8'), startEpoch) : [];
    this.#rows.splice(0, this.#rows.length, ...kept);
    writeFileSync(this.file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /** Adds (or replaces) one finished epoch and appends it to the file. */
  add(row: EpochRow): void {
    const at = this.#rows.findIndex((r) => r.epoch >= row.epoch);
    if (at === -1) this.#rows.push(row);
    else this.#rows.splice(at, this.#rows[at]!.epoch === row.epoch ? 1 : 0, row);
    appendFileSync(this.file, JSON.stringify(row) + '\n');
  }
}
