/**
 * One TensorBoard run directory (e.g. tensorboard/train) holding one event file, as a
 * Keras run writes it:
 *   1. a fresh run replaces the directory's event files with a new one (file_version
 *      first), as metrics.jsonl and report.html are replaced;
 *   2. a resumed run appends to the newest event file already there, so TensorBoard
 *      shows one continuous run, not one file per session; restart(step) marks where it
 *      resumed (SessionLog START), so TensorBoard drops what the interrupted session
 *      wrote past that step;
 *   3. every event is appended as one framed record (tensorboard-proto.ts).
 */
import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, frameRecord, type Histogram } from './tensorboard-proto';

export { decodeEvent } from './tensorboard-proto';

const EVENT_FILE = /^events\.out\.tfevents\./;

/** The event files in `dir`, newest (by modification time) first. */
export function eventFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => EVENT_FILE.test(f))
    .map((f) => join(dir, f))
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => b.t - a.t)
    .map((x) => x.f);
}

export class TensorBoardWriter {
  readonly file: string;

  /**
   * With `append`, continues the newest event file in `dir` (a resumed run); otherwise
   * removes the event files there and starts one.
   */
  constructor(
    readonly dir: string,
    options: { readonly append?: boolean } = {},
  ) {
    mkdirSync(dir, { recursive: true });
    const existing = eventFiles(dir);
    if (options.append && existing[0]) {
      this.file = existing[0];
      return;
    }
    for (const f of existing) rmSync(f, { force: true });
    const now = Date.now() / 1000;
    this.file = join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}`);
    writeFileSync(this.file, frameRecord(encodeEvent({ wallTime: now, fileVersion: 'brain.Event:2' })));
  }

  /** Scalars at `step`; NaN and infinite values are left out, and nothing is written when none is left. */
  scalars(step: number, values: Readonly<Record<string, number | undefined>>): void {
    const finite = Object.fromEntries(Object.entries(values).filter((e): e is [string, number] => Number.isFinite(e[1])));
    if (Object.keys(finite).length) this.#append({ step, scalars: finite });
  }

  histograms(step: number, values: Readonly<Record<string, Histogram>>): void {
    this.#append({ step, histograms: values });
  }

  /** A resumed session starts at `step`: TensorBoard discards this run's events at steps >= `step` written before. */
  restart(step: number): void {
    this.#append({ step, sessionStart: true });
  }

  #append(e: Omit<Parameters<typeof encodeEvent>[0], 'wallTime'>): void {
    appendFileSync(this.file, frameRecord(encodeEvent({ wallTime: Date.now() / 1000, ...e })));
  }
}
