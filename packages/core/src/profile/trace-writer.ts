/**
 * Writes a Chrome trace / Perfetto JSON file event by event, in chunks, so a long run's
 * trace never has to exist as one string (V8 caps a string near 512 MiB, and a replica step
 * is about 1 KiB of JSON): `{"traceEvents":[` + events + `],"displayTimeUnit":"ms","otherData":…}`.
 * The file appears under its name only when complete (written to `<file>.tmp`, then renamed).
 */
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import type { TraceEvent } from './trace-events';

/** Events serialised per write. */
const CHUNK_EVENTS = 4096;

export class TraceWriter {
  readonly #fd: number;
  #buf: string[] = [];
  #written = 0;

  constructor(readonly file: string) {
    this.#fd = openSync(`${file}.tmp`, 'w');
    writeSync(this.#fd, '{"traceEvents":[\n');
  }

  push(e: TraceEvent): void {
    this.#buf.push(JSON.stringify(e));
    if (this.#buf.length >= CHUNK_EVENTS) this.#flush();
  }

  #flush(): void {
    if (this.#buf.length === 0) return;
    writeSync(this.#fd, (this.#written > 0 ? ',\n' : '') + this.#buf.join(',\n'));
    this.#written += this.#buf.length;
    this.#buf = [];
  }

  /** Ends the file with `otherData`; returns its size in bytes. */
  close(otherData: Readonly<Record<string, unknown>>): number {
    this.#flush();
    writeSync(this.#fd, `\n],"displayTimeUnit":"ms","otherData":${JSON.stringify(otherData)}}\n`);
    closeSync(this.#fd);
    renameSync(`${this.file}.tmp`, this.file);
    return statSync(this.file).size;
  }
}
