/**
 * TFRecord files of tf.train.Example, gzipped or not: counting (one cheap pass when the
 * source is opened), the layout taken from the first record, and the RecordFormat.
 */
import { DataError } from '../../errors/data-error';
import { fileChunks } from './byte-stream';
import type { RawRecord, RecordFormat } from './record-format';
import type { StreamFile, StreamSpec } from './stream-spec';
import { TFRecordFramer } from './tfrecord-framer';
import { describeExample, ExampleDecoder, type ExampleLayout } from './tf-example';

/** Options of `inspectTfrecord`. */
export interface TfrecordOptions {
  /** The label feature (default "label"). */
  readonly label?: string;
  /** Feature names, in order (default: every feature but the label, sorted by name). */
  readonly features?: readonly string[];
}

/**
 * Records of a file (gunzipped as it streams), counted by hopping from header to header
 * (length CRCs checked; payload CRCs are checked when records are read), and the first
 * record's payload when asked for.
 */
async function count(path: string, wantFirst: boolean): Promise<{ n: number; first?: Buffer }> {
  const framer = new TFRecordFramer(path);
  let first: Buffer | undefined;
  for await (const chunk of fileChunks(path)) {
    if (wantFirst && !first) first = framer.push(chunk)[0];
    else framer.skip(chunk);
  }
  framer.end();
  return { n: framer.count, ...(first ? { first } : {}) };
}

/** Counts every file and takes the layout from the first record. Throws DataError for a missing feature or label. */
export async function inspectTfrecord(paths: readonly string[], options: TfrecordOptions = {}): Promise<StreamSpec> {
  const files: StreamFile[] = [];
  let infos: ReturnType<typeof describeExample> | undefined;
  for (const path of paths) {
    const { n, first } = await count(path, infos === undefined);
    if (first) infos = describeExample(first, `${path} record 0`);
    files.push({ path, examples: n });
  }
  if (!infos) throw new DataError(`${paths.join(', ')}: no records; check --data.`);
  const label = options.label ?? 'label';
  const names = infos.map((f) => f.name);
  if (!names.includes(label)) throw new DataError(`${paths[0]}: no feature "${label}" to use as the label (features: ${names.join(', ')}); pass --label.`);
  const wanted = options.features ?? names.filter((n) => n !== label);
  const features = wanted.map((name) => {
    const f = infos!.find((i) => i.name === name);
    if (!f) throw new DataError(`${paths[0]}: no feature "${name}" (features: ${names.join(', ')}); check --features.`);
    return { name, length: f.length };
  });
  const layout: ExampleLayout = { features, label };
  return { format: 'tfrecord', files, exampleShape: [features.reduce((a, f) => a + f.length, 0)], example: layout };
}

/** The reader-thread side. */
export function tfrecordFormat(spec: StreamSpec): RecordFormat {
  const decoder = new ExampleDecoder(spec.example!);
  return {
    async *records(file: StreamFile): AsyncGenerator<RawRecord[]> {
      const framer = new TFRecordFramer(file.path);
      for await (const chunk of fileChunks(file.path)) {
        const first = framer.count;
        const recs = framer.push(chunk);
        if (recs.length) yield recs.map((data, i) => ({ data, line: first + i }));
      }
      framer.end();
    },
    decode(raw, file, out, offset) {
      return decoder.decode(raw.data as Buffer, out, offset, `${file.path} record ${raw.line}`);
    },
  };
}
