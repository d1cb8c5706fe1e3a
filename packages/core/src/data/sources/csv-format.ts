/**
 * CSV tables (csv-parse, RFC 4180: quotes, a BOM, CRLF): a header row names the columns,
 * every later row is one example. Rows are decoded as they are read (a row of floats is
 * smaller than its text), so the shuffle buffer holds Float32Arrays.
 */
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { DataError } from '../../errors/data-error';
import { fileChunks } from './byte-stream';
import type { RawRecord, RecordFormat } from './record-format';
import type { StreamFile, StreamSpec, TabularColumn } from './stream-spec';
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

/** Counts the rows of every file and types the chosen columns (see tabular-schema.ts). All files need the same header. */
export async function inspectCsv(paths: readonly string[], options: TableOptions = {}): Promise<StreamSpec> {
  let header: string[] | undefined;
  let cols: { features: ColumnInspector[]; label: ColumnInspector } | undefined;
  const files: StreamFile[] = [];
  for (const path of paths) {
    let n = 0;
    let first = true;
    for await (const rows of csvRows(path)) {
      for (const [fields, line] of rows) {
        if (first) {
          first = false;
          if (header && fields.join(',') !== header.join(','))
            throw new DataError(`${path} line 1: its header differs from ${paths[0]}'s; all files of a source need the same columns.`);
          header = fields;
          cols ??= pickColumns(fields, path, options);
          continue;
        }
        const at = { file: path, line };
        for (const c of cols!.features) c.see(fields[c.index], at);
        cols!.label.see(fields[cols!.label.index], at);
        n++;
      }
    }
    files.push({ path, examples: n });
  }
  if (!cols) throw new DataError(`${paths.join(', ')}: no rows; check --data.`);
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
    table: { features, label: cols.label.finish(), columns: header!.length },
  };
}

/** The reader-thread side: a raw record is the row's floats with the label last. */
export function csvFormat(spec: StreamSpec): RecordFormat {
  const rows = new RowDecoder(spec.table!);
  const len = spec.table!.features.length;
  return {
    async *records(file: StreamFile): AsyncGenerator<RawRecord[]> {
      let header = true;
      for await (const batch of csvRows(file.path)) {
        const recs: RawRecord[] = [];
        for (const [fields, line] of batch) {
          if (header) {
            header = false;
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
