/**
 * JSON Lines tables: one object per non-blank line; features and label by key. Numbers,
 * categorical strings and arrays of numbers (a whole image in one field) are accepted.
 */
import { DataError } from '../../errors/data-error';
import { fileLines } from './byte-stream';
import type { RawRecord, RecordFormat } from './record-format';
import type { StreamFile, StreamSpec } from './stream-spec';
import { ColumnInspector, RowDecoder } from './tabular-schema';
import type { TableOptions } from './csv-format';

function parseLine(text: string, path: string, line: number): Record<string, unknown> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${path} line ${line}: not valid JSON (${(e as Error).message}); every line must hold one object.`, { cause: e });
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new DataError(`${path} line ${line}: not a JSON object; every line must hold one object.`);
  return obj as Record<string, unknown>;
}

/** Counts the rows of every file and types the chosen columns (see tabular-schema.ts). */
export async function inspectJsonl(paths: readonly string[], options: TableOptions = {}): Promise<StreamSpec> {
  const labelName = options.label ?? 'label';
  let cols: ColumnInspector[] | undefined;
  let label: ColumnInspector | undefined;
  const files: StreamFile[] = [];
  for (const path of paths) {
    let n = 0;
    for await (const lines of fileLines(path)) {
      for (const { text, number } of lines) {
        if (text.trim() === '') continue;
        const obj = parseLine(text, path, number);
        if (!cols) {
          const keys = Object.keys(obj);
          if (!keys.includes(labelName))
            throw new DataError(`${path} line ${number}: no key "${labelName}" to use as the label (keys: ${keys.join(', ')}); pass --label.`);
          cols = (options.features ?? keys.filter((k) => k !== labelName)).map((k, i) => new ColumnInspector(k, i));
          label = new ColumnInspector(labelName, -1);
        }
        const at = { file: path, line: number };
        for (const c of cols) {
          if (!(c.name in obj)) throw new DataError(`${path} line ${number}: no key "${c.name}"; every row must hold every feature (check --features).`);
          c.see(obj[c.name], at);
        }
        label!.see(obj[labelName], at);
        n++;
      }
    }
    files.push({ path, examples: n });
  }
  if (!cols) throw new DataError(`${paths.join(', ')}: no rows; check --data.`);
  const again = [...cols, label!].filter((c) => c.needsRescan);
  for (const path of again.length ? paths : []) {
    for await (const lines of fileLines(path)) {
      for (const { text, number } of lines) {
        if (text.trim() === '') continue;
        const obj = parseLine(text, path, number);
        for (const c of again) c.seeAgain(obj[c.name], { file: path, line: number });
      }
    }
  }
  const features = cols.map((c) => c.finish());
  return {
    format: 'jsonl',
    files,
    exampleShape: [features.reduce((a, c) => a + c.length, 0)],
    table: { features, label: label!.finish(), columns: features.length },
  };
}

/** The reader-thread side: raw records are the line texts, parsed when kept. */
export function jsonlFormat(spec: StreamSpec): RecordFormat {
  const rows = new RowDecoder(spec.table!, spec.labelKind);
  return {
    async *records(file: StreamFile): AsyncGenerator<RawRecord[]> {
      for await (const lines of fileLines(file.path)) {
        const recs: RawRecord[] = [];
        for (const l of lines) if (l.text.trim() !== '') recs.push({ data: l.text, line: l.number });
        if (recs.length) yield recs;
      }
    },
    decode(raw, file, out, offset) {
      const obj = parseLine(raw.data as string, file.path, raw.line);
      return rows.decode((c) => obj[c.name], out, offset, { file: file.path, line: raw.line });
    },
  };
}
