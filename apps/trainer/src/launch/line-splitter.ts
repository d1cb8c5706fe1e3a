/**
 * Cuts a child's output stream into whole lines (UTF-8, "\n" or "\r\n"), so the launcher
 * can prefix each one with its rank without interleaving half lines of two workers.
 */
import { StringDecoder } from 'node:string_decoder';

/**
 * Feeds text chunks in, calls `onLine` once per complete line (without its line break).
 * `end()` flushes a last line that had no line break. Multi-byte characters split across
 * chunks are reassembled.
 */
export class LineSplitter {
  #pending = '';
  readonly #decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {}

  /** Adds a chunk (a Buffer from a pipe, or text). */
  push(chunk: Buffer | string): void {
    const text = this.#pending + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#pending = parts.pop() ?? '';
    for (const part of parts) this.onLine(stripCarriageReturn(part));
  }

  /** Ends the stream: emits the unterminated last line, if any. */
  end(): void {
    const rest = this.#pending + this.#decoder.end();
    this.#pending = '';
    if (rest.length > 0) this.onLine(stripCarriageReturn(rest));
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
