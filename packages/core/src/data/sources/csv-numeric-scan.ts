/**
 * Opening a CSV table that is numbers only, at the speed of reading it: one pass that
 * checks every byte after the header is a digit, '.', 'e', 'E', '+', '-', ',', '\r' or
 * '\n' (one table load and OR per byte), that no field is empty, and counts the non-empty
 * rows (memchr-speed indexOf). Such a table has no categorical column, so every chosen
 * column is numeric, and the values themselves are parsed (and a malformed one, such as
 * "1.2.3", or a short row, refused naming file, line and column) when the rows are read,
 * as tf.data's CSV readers do. A full typing pass before the first epoch made ours slower
 * than pandas.read_csv, which types while it reads (first epoch 0.78x).
 *
 * Any other byte (a quote, a letter, a space: "NaN", a category, a quoted field) or an
 * empty field returns undefined, and the caller inspects the file value by value
 * (tabular-schema.ts), with its categorical columns. Rows follow csv-plain.ts: a UTF-8 BOM
 * is skipped, '\n' or '\r\n' ends a row, empty lines are skipped.
 */
import { fileChunks } from './byte-stream';

const NEWLINE = 10;
const CR = 13;

/** Byte kinds: 0 a number's character (digit . e E + -), 1 comma, 2 newline, 3 carriage return, 4 anything else. */
const KIND = new Uint8Array(256).fill(4);
for (const c of '0123456789.eE+-') KIND[c.charCodeAt(0)] = 0;
KIND[44] = 1;
KIND[NEWLINE] = 2;
KIND[CR] = 3;
/** PAIR[(prev << 3) | kind] = 1 where a byte rules the table out: another kind of byte, or an empty field (',' then ',', '\n' or '\r'; '\n' then ','). */
const PAIR = new Uint8Array(40);
for (let k = 0; k < 5; k++) PAIR[(k << 3) | 4] = 1;
PAIR[(1 << 3) | 1] = PAIR[(1 << 3) | 2] = PAIR[(1 << 3) | 3] = PAIR[(2 << 3) | 1] = 1;

/**
 * Runs the byte check over b (`prev`: the kind of the byte before it) and counts its commas:
 * returns -1 when the table is ruled out, else the comma count. A synchronous loop over
 * locals, two table loads per byte.
 */
function checkBytes(b: Buffer, prev: number): number {
  let flags = 0;
  let commas = 0;
  for (let i = 0, n = b.length; i < n; i++) {
    const k = KIND[b[i]!]!;
    flags |= PAIR[(prev << 3) | k]!;
    commas += k & ~(k >> 1) & 1; // 1 for a comma (kind 1) only
    prev = k;
  }
  return flags ? -1 : commas;
}

/** Occurrences of `pattern` in b. */
function count(b: Buffer, pattern: Buffer | number): number {
  let n = 0;
  for (let i = b.indexOf(pattern); i >= 0; i = b.indexOf(pattern, i + 1)) n++;
  return n;
}

const EMPTY_LINE = Buffer.from('\n\n');
const EMPTY_CRLF_LINE = Buffer.from('\n\r\n');

/** Empty lines whose '\n' is in the chunk's first two bytes but which start before it (`tail`: the two bytes before). */
function emptyLinesAcross(tail: Buffer, chunk: Buffer): number {
  let n = 0;
  if (chunk[0] === NEWLINE && (tail[1] === NEWLINE || (tail[1] === CR && tail[0] === NEWLINE))) n++;
  if (chunk[1] === NEWLINE && chunk[0] === CR && tail[1] === NEWLINE) n++;
  return n;
}

/** The scan over a table's bytes, fed chunk by chunk (see the file header). */
export class NumericCsvScanner {
  #header: string[] | undefined;
  #headerBytes: Buffer[] = [];
  #newlines = 0;
  #emptyLines = 0;
  #commas = 0;
  /** The last two bytes before the next chunk (the header's '\n' at first), for patterns across chunks. */
  #tail: Buffer = Buffer.from([0, NEWLINE]);
  /** False once the table needs the full inspection. */
  numeric = true;

  push(read: Buffer): void {
    let chunk = read;
    if (!this.numeric || chunk.length === 0) return;
    if (!this.#header) {
      const nl = chunk.indexOf(NEWLINE);
      this.#headerBytes.push(nl < 0 ? chunk : chunk.subarray(0, nl));
      if (nl < 0) return;
      const raw = Buffer.concat(this.#headerBytes).toString('utf8');
      const text = raw.startsWith('\ufeff') ? raw.slice(1) : raw; // a UTF-8 BOM
      this.#headerBytes = [];
      if (text.includes('"')) return void (this.numeric = false);
      this.#header = (text.endsWith('\r') ? text.slice(0, -1) : text).split(',');
      chunk = chunk.subarray(nl + 1);
    }
    if (chunk.length === 0) return;
    const tail = this.#tail;
    const commas = checkBytes(chunk, KIND[tail[1]!]!);
    if (commas < 0) return void (this.numeric = false);
    this.#commas += commas;
    this.#newlines += count(chunk, NEWLINE);
    this.#emptyLines += count(chunk, EMPTY_LINE) + count(chunk, EMPTY_CRLF_LINE) + emptyLinesAcross(tail, chunk);
    this.#tail = chunk.length >= 2 ? chunk.subarray(-2) : Buffer.from([tail[1]!, chunk[0]!]);
  }

  /** The header and the data rows, or undefined when the table needs the full inspection (or has no newline after its header). */
  finish(): { header: string[]; rows: number } | undefined {
    if (!this.numeric || !this.#header) return undefined;
    const tail = this.#tail;
    // A last row without a final newline counts too (but not a lone '\r' on the last line).
    const unterminated = tail[1] !== NEWLINE && !(tail[1] === CR && tail[0] === NEWLINE) ? 1 : 0;
    const rows = this.#newlines - this.#emptyLines + unterminated;
    // A row with too few or too many fields (unless another one makes up for it) is named by the full inspection.
    if (this.#commas !== rows * (this.#header.length - 1)) return undefined;
    return { header: this.#header, rows };
  }
}

/** The header's fields and the count of data rows of a numbers-only, quote-free table; undefined when the file needs the full inspection. */
export async function scanNumericCsv(path: string): Promise<{ header: string[]; rows: number } | undefined> {
  const scanner = new NumericCsvScanner();
  for await (const chunk of fileChunks(path)) {
    scanner.push(chunk);
    if (!scanner.numeric) return undefined;
  }
  return scanner.finish();
}
