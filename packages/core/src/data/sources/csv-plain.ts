/**
 * The fast path of the CSV source for plain tables (no quote character anywhere, which is
 * what numeric tables written by pandas, numpy or a spreadsheet export look like): rows are
 * split on bytes, and numbers are parsed from bytes, never through a string per field.
 * csv-parse (RFC 4180: quotes, escaped delimiters) took ~4 MB/s on Fashion-MNIST rows; this
 * path exists because a table of a few GB must not take hours to read.
 *
 * Semantics are csv-parse's as csv-format.ts uses it: a UTF-8 BOM is skipped, '\n' or
 * '\r\n' ends a row, empty lines are skipped but counted, every row must have the
 * header's number of fields. A file with a quote byte is left to csv-parse (`scan` stops
 * and says so). Numbers: parseAscii gives exactly `+text` for decimal literals of at most
 * 15 significant digits and exponents within +-22 (one correctly rounded operation,
 * Clinger's fast path); anything else returns NaN and the caller asks parseNumber.
 */
import { DataError } from '../../errors/data-error';
import { fileChunks } from './byte-stream';

const COMMA = 44;
const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;
/** Exact powers of ten as doubles (10^22 is the largest). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Rows of one chunk: field k of row r is buf[sep[r*(C+1)+k] + 1, sep[r*(C+1)+k+1]). */
export interface PlainRows {
  readonly buf: Buffer;
  readonly count: number;
  readonly lines: Int32Array;
  readonly sep: Int32Array;
}

/** What scan() yields: the header's fields once, then batches of rows; 'quoted' ends it early (use csv-parse). */
export type PlainItem = { readonly header: string[] } | { readonly rows: PlainRows } | 'quoted';

/** The number written in buf[start, end), or NaN when it is not a plain decimal literal this parser takes exactly. */
export function parseAscii(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const neg = b[i] === 45;
  if (neg || b[i] === 43) i++;
  let m = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  for (let d = b[i]! - 48; i < end && d >= 0 && d <= 9; d = b[++i]! - 48) {
    m = m * 10 + d;
    if (m > 0 && ++digits > 15) return Number.NaN;
    any = true;
  }
  if (i < end && b[i] === 46) {
    for (let d = b[++i]! - 48; i < end && d >= 0 && d <= 9; d = b[++i]! - 48) {
      m = m * 10 + d;
      if (m > 0 && ++digits > 15) return Number.NaN;
      scale--;
      any = true;
    }
  }
  if (!any) return Number.NaN;
  if (i < end && (b[i] === 101 || b[i] === 69)) {
    const eneg = b[++i] === 45;
    if (eneg || b[i] === 43) i++;
    let ex = 0;
    const from = i;
    for (let d = b[i]! - 48; i < end && d >= 0 && d <= 9; d = b[++i]! - 48) if (ex < 1000) ex = ex * 10 + d;
    if (i === from) return Number.NaN;
    scale += eneg ? -ex : ex;
  }
  if (i !== end || scale < -22 || scale > 22) return Number.NaN;
  const v = scale < 0 ? m / POW10[-scale]! : m * POW10[scale]!;
  return neg ? -v : v;
}

/** Field k of row r as text (for the slow path and for error messages). */
export function fieldText(rows: PlainRows, columns: number, r: number, k: number): string {
  const at = r * (columns + 1) + k;
  return rows.buf.toString('utf8', rows.sep[at]! + 1, rows.sep[at + 1]!);
}

/**
 * The rows of a plain CSV file, a chunk at a time. The header's field count fixes the
 * columns; a row with another count throws DataError naming file and line.
 */
export async function* scanPlainCsv(path: string): AsyncGenerator<PlainItem> {
  let columns = -1;
  let line = 0;
  let carry: Buffer | undefined;
  let first = true;
  let sep = new Int32Array(0);
  let lines = new Int32Array(0);
  const rowsOf = function* (buf: Buffer, upTo: number): Generator<PlainItem> {
    let count = 0;
    for (let start = 0; start < upTo;) {
      let nl = buf.indexOf(NEWLINE, start);
      if (nl < 0 || nl >= upTo) nl = upTo;
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      line++;
      if (end > start) {
        if (columns < 0) {
          const header = buf.toString('utf8', start, end).split(',');
          columns = header.length;
          yield { header };
        } else {
          if (sep.length < (count + 1) * (columns + 1)) {
            const bigger = new Int32Array(Math.max(2 * sep.length, 64 * (columns + 1)));
            bigger.set(sep);
            sep = bigger;
            const more = new Int32Array(bigger.length / (columns + 1));
            more.set(lines);
            lines = more;
          }
          let at = count * (columns + 1);
          sep[at++] = start - 1;
          let k = 1;
          for (let p = start; p < end; p++) if (buf[p] === COMMA && k++ < columns) sep[at++] = p;
          if (k !== columns)
            throw new DataError(
              `${path} line ${line}: Invalid Record Length: expect ${columns}, got ${k}; fix the row (every row needs as many fields as the header).`,
            );
          sep[at] = end;
          lines[count++] = line;
        }
      }
      start = nl + 1;
    }
    if (count > 0) yield { rows: { buf, count, lines, sep } };
  };
  for await (let chunk of fileChunks(path)) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (chunk.indexOf(QUOTE) >= 0) {
      yield 'quoted';
      return;
    }
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const last = buf.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry = buf;
      continue;
    }
    yield* rowsOf(buf, last + 1);
    carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : undefined;
  }
  if (carry) yield* rowsOf(carry, carry.length);
}
