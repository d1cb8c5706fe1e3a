/**
 * CSV tables (csv-parse, RFC 4180: quotes, a BOM, CRLF): a header row names the columns,
 * every later row is one example. Rows are decoded as they are read (a row of floats is
 * smaller than its text), so the shuffle buffer holds Float32Arrays. The label is the
 * row's last float: a class id, or a real target when the spec's labelKind is 'float32'.
 */
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { DataError } from '../../errors/data-error';
import { fileChunks } from './byte-stream';
import { scanNumericCsv } from './csv-numeric-scan';
import { fieldText, parseAscii, scanPlainCsv, type PlainRows } from './csv-plain';
import type { RawRecord, RecordFormat } from './record-format';
import type { StreamFile, StreamSpec, TabularColumn, TabularSchema } from './stream-spec';
import { ColumnInspector, RowDecoder } from './tabular-schema';

/** Options of the table formats. */
export interface TableOptions {
  /** The label column (default "label"). */
  readonly label?: string;
  /** Feature columns, in order (default: every column but the label, in file order). */
  readonly features?: readonly string[];
}

/** Rows handed on at once. */
const ROWS_PER_BATCH = 256;

/** The rows of a CSV file as [fields, line number], header first, a batch at a time. */
async function* csvRows(path: string): AsyncGenerator<[string[], number][]> {
  const parser = Readable.from(fileChunks(path)).pipe(parse({ bom: true, skip_empty_lines: true, info: true, record_delimiter: ['\r\n', '\n'] }));
  let batch: [string[], number][] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      batch.push([record, info.lines]);
      if (batch.length === ROWS_PER_BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const ce = e as CsvError & { lines?: number };
    throw new DataError(`${path}${ce.lines ? ` line ${ce.lines}` : ''}: ${ce.message}; fix the row (every row needs as many fields as the header).`, {
      cause: e,
    });
  }
  if (batch.length) yield batch;
}

/** Finds the chosen columns in a header. */
function pickColumns(header: string[], path: string, options: TableOptions): { features: ColumnInspector[]; label: ColumnInspector } {
  const labelName = options.label ?? 'label';
  const find = (name: string, flag: string): number => {
    const i = header.indexOf(name);
    if (i < 0)
      throw new DataError(
        `${path} line 1: no column "${name}" (columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''}); check ${flag}.`,
      );
    return i;
  };
  const label = new ColumnInspector(labelName, find(labelName, '--label'));
  const names = options.features ?? header.filter((h) => h !== labelName);
  return { features: names.map((n) => new ColumnInspector(n, find(n, '--features'))), label };
}

/** What inspection carries from file to file. */
interface Inspection {
  header?: string[];
  cols?: { features: ColumnInspector[]; label: ColumnInspector };
}

/** Checks a file's header against the first file's and picks the columns from the first. */
function takeHeader(state: Inspection, fields: string[], path: string, first: string, options: TableOptions): void {
  if (state.header && fields.join(',') !== state.header.join(','))
    throw new DataError(`${path} line 1: its header differs from ${first}'s; all files of a source need the same columns.`);
  state.header = fields;
  state.cols ??= pickColumns(fields, path, options);
}

/** Inspects one file through the plain fast path; undefined when it holds a quote (then csv-parse must). */
async function inspectPlain(path: string, state: Inspection, first: string, options: TableOptions): Promise<number | undefined> {
  let n = 0;
  for await (const item of scanPlainCsv(path)) {
    if (item === 'quoted') return undefined;
    if ('header' in item) {
      takeHeader(state, item.header, path, first, options);
      continue;
    }
    const { rows } = item;
    const C = state.header!.length;
    const cols = [...state.cols!.features, state.cols!.label];
    for (let r = 0; r < rows.count; r++) {
      for (const c of cols) {
        const at = r * (C + 1) + c.index;
        const v = c.numeric ? parseAscii(rows.buf, rows.sep[at]! + 1, rows.sep[at + 1]!) : Number.NaN;
        if (v === v) c.sawNumbers = true;
        else c.see(fieldText(rows, C, r, c.index), { file: path, line: rows.lines[r]! });
      }
      n++;
    }
  }
  return n;
}

/** Inspects one file through csv-parse (quotes and all). */
async function inspectQuoted(path: string, state: Inspection, first: string, options: TableOptions): Promise<number> {
  let n = 0;
  let head = true;
  for await (const rows of csvRows(path)) {
    for (const [fields, line] of rows) {
      if (head) {
        head = false;
        takeHeader(state, fields, path, first, options);
        continue;
      }
      const at = { file: path, line };
      for (const c of state.cols!.features) c.see(fields[c.index], at);
      state.cols!.label.see(fields[state.cols!.label.index], at);
      n++;
    }
  }
  return n;
}

/** A file of decimal literals only (csv-numeric-scan.ts): every chosen column numeric, as the full inspection would type it; undefined otherwise. */
async function inspectNumeric(path: string, state: Inspection, first: string, options: TableOptions): Promise<number | undefined> {
  const scan = await scanNumericCsv(path);
  if (!scan) return undefined;
  takeHeader(state, scan.header, path, first, options);
  for (const c of [...state.cols!.features, state.cols!.label]) if (c.numeric && scan.rows > 0) c.sawNumbers = true;
  return scan.rows;
}

/**
 * Counts the rows of every file and types the chosen columns (see tabular-schema.ts). All
 * files need the same header. A file of numbers only is counted by a byte automaton
 * (inspectNumeric); others are inspected value by value.
 */
export async function inspectCsv(paths: readonly string[], options: TableOptions = {}): Promise<StreamSpec> {
  const state: Inspection = {};
  const files: StreamFile[] = [];
  for (const path of paths) {
    const n =
      (await inspectNumeric(path, state, paths[0]!, options)) ??
      (await inspectPlain(path, state, paths[0]!, options)) ??
      (await inspectQuoted(path, state, paths[0]!, options));
    files.push({ path, examples: n });
  }
  const { cols, header } = state;
  if (!cols || !header) throw new DataError(`${paths.join(', ')}: no rows; check --data.`);
  const again = [...cols.features, cols.label].filter((c) => c.needsRescan);
  for (const path of again.length ? paths : []) {
    for await (const rows of csvRows(path))
      for (const [fields, line] of rows) if (line > 1) for (const c of again) c.seeAgain(fields[c.index], { file: path, line });
  }
  const features = cols.features.map((c) => c.finish());
  return {
    format: 'csv',
    files,
    exampleShape: [features.length],
    table: { features, label: cols.label.finish(), columns: header.length },
  };
}

/** Where each column of a plain numeric table goes in a record (-1: unused), or undefined when the table needs the general decoder. */
function plainTargets(table: TabularSchema): Int32Array | undefined {
  if (table.label.vocabulary || table.features.some((c) => c.vocabulary || c.length !== 1)) return undefined;
  const t = new Int32Array(table.columns).fill(-1);
  for (const [j, c] of [...table.features, table.label].entries()) {
    if (c.index >= t.length || t[c.index] !== -1) return undefined;
    t[c.index] = j;
  }
  return t;
}

/** The reader-thread side: a raw record is the row's floats with the label last. */
export function csvFormat(spec: StreamSpec): RecordFormat {
  const table = spec.table!;
  const rows = new RowDecoder(table, spec.labelKind);
  const real = spec.labelKind === 'float32';
  const len = table.features.length;
  const targets = plainTargets(table);
  /** Decodes row r of a plain chunk; a field the byte parser does not take goes through the general decoder (and its errors). */
  const decodePlain = (chunk: PlainRows, r: number, row: Float32Array, path: string): number => {
    const C = table.columns;
    const base = r * (C + 1);
    for (let k = 0; k < C; k++) {
      const t = targets![k]!;
      if (t < 0) continue;
      const v = parseAscii(chunk.buf, chunk.sep[base + k]! + 1, chunk.sep[base + k + 1]!);
      if (v !== v) return rows.decode((c: TabularColumn) => fieldText(chunk, C, r, c.index), row, 0, { file: path, line: chunk.lines[r]! });
      row[t] = v;
    }
    const y = row[len]!;
    if (real ? Number.isFinite(y) : Number.isInteger(y) && y >= 0) return y;
    return rows.decode((c: TabularColumn) => fieldText(chunk, C, r, c.index), row, 0, { file: path, line: chunk.lines[r]! });
  };
  return {
    async *records(file: StreamFile): AsyncGenerator<RawRecord[]> {
      let done = 0;
      if (targets) {
        let quoted = false;
        for await (const item of scanPlainCsv(file.path)) {
          if (item === 'quoted') {
            quoted = true;
            break;
          }
          if ('header' in item) {
            if (item.header.length !== table.columns)
              throw new DataError(
                `${file.path} line 1: ${item.header.length} columns, but the data was opened with ${table.columns}; a file changed since then.`,
              );
            continue;
          }
          const recs: RawRecord[] = new Array(item.rows.count);
          for (let r = 0; r < item.rows.count; r++) {
            const row = new Float32Array(len + 1);
            row[len] = decodePlain(item.rows, r, row, file.path);
            recs[r] = { data: row, line: item.rows.lines[r]! };
          }
          done += recs.length;
          if (recs.length) yield recs;
        }
        if (!quoted) return;
      }
      let header = true;
      for await (const batch of csvRows(file.path)) {
        const recs: RawRecord[] = [];
        for (const [fields, line] of batch) {
          if (header) {
            header = false;
            continue;
          }
          if (done > 0) {
            done--; // rows the plain path gave before it met a quote
            continue;
          }
          const row = new Float32Array(len + 1);
          row[len] = rows.decode((c: TabularColumn) => fields[c.index], row, 0, { file: file.path, line });
          recs.push({ data: row, line });
        }
        if (recs.length) yield recs;
      }
    },
    decode(raw, _file, out, offset) {
      const row = raw.data as Float32Array;
      out.set(row.subarray(0, len), offset);
      return row[len]!;
    },
  };
}
