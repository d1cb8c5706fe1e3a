/**
 * The plain-data description of a streaming source: which files, in which format, how a
 * record becomes a row of floats and a label. It crosses into the reader thread as is, so
 * it holds no functions; `openStreamSource` builds it by inspecting the files once.
 */
import type { LabelKind } from '../../contracts/batch';
import type { ExampleLayout } from './tf-example';

/** Formats a StreamSource reads. */
export type StreamFormat = 'tfrecord' | 'csv' | 'jsonl' | 'idx' | 'images';
export const STREAM_FORMATS: readonly StreamFormat[] = ['tfrecord', 'csv', 'jsonl', 'idx', 'images'];

/** One file of a source (for IDX: the images file, with its labels file beside it). */
export interface StreamFile {
  readonly path: string;
  /** IDX only: the labels file paired with `path`. */
  readonly labels?: string;
  /** Examples in the file (counted when the source was opened). */
  readonly examples: number;
  /** images only: the class index of the image (its folder). */
  readonly label?: number;
}

/** A column of a table: where it is and how its values become floats. */
export interface TabularColumn {
  readonly name: string;
  /** Position in a CSV row (ignored for JSONL, which names fields). */
  readonly index: number;
  /** Values per example: 1, or an array's length (JSONL). */
  readonly length: number;
  /** Categorical: the sorted distinct values; a value becomes its index here. */
  readonly vocabulary?: readonly string[];
}

/** Which columns of a CSV/JSONL table are features and which is the label. */
export interface TabularSchema {
  readonly features: readonly TabularColumn[];
  readonly label: TabularColumn;
  /** CSV: columns per row (the header's length). */
  readonly columns: number;
}

/** Everything a reader thread needs to turn the files into examples. */
export interface StreamSpec {
  readonly format: StreamFormat;
  readonly files: readonly StreamFile[];
  readonly exampleShape: readonly number[];
  /** tfrecord: features and label by name. */
  readonly example?: ExampleLayout;
  /** csv, jsonl: the schema. */
  readonly table?: TabularSchema;
  /** images: the class names, sorted (label i is classes[i]). */
  readonly image?: { readonly classes: readonly string[] };
  /**
   * How labels are read and carried: 'int32' class ids (a fractional label is a DataError
   * naming file, line and column) or 'float32' real targets. Default 'int32'; the dataset
   * sets it from DistributeOptions.labelKind (the model's loss) before the reader starts.
   */
  readonly labelKind?: LabelKind;
}

/** How a stream is read, beyond DistributeOptions (tf.data's knobs). */
export interface StreamOptions {
  /** Records in the shuffle buffer (default 10,000; 1 = no buffer). */
  readonly shuffleBuffer?: number;
  /** Files read at once, interleaved record by record (default 4). */
  readonly cycleLength?: number;
  /** Decoded examples the reader thread may hold ahead of the pipeline. */
  readonly prefetchExamples?: number;
  /** Told which files this worker reads, once per distributed dataset. */
  readonly log?: (line: string) => void;
}

/**
 * A dataset streamed from files: the sizes are known (counted once when opened), the
 * examples are not in memory. `distributeDataset` reads it through a reader thread.
 */
export interface StreamSource {
  readonly kind: 'stream';
  readonly spec: StreamSpec;
  /** Paths of the files, in listing order. */
  readonly files: readonly string[];
  /** Examples per file, same order. */
  readonly fileSizes: readonly number[];
  /** Total examples over all files. */
  readonly size: number;
  readonly exampleShape: readonly number[];
  readonly exampleLength: number;
  /** For messages: the format and the first file. */
  readonly name: string;
  /** Reading options, used by distributeDataset. */
  readonly options: StreamOptions;
}

/** True for a StreamSource. */
export function isStreamSource(s: unknown): s is StreamSource {
  return typeof s === 'object' && s !== null && (s as { kind?: unknown }).kind === 'stream';
}

/** The categorical vocabularies of a source, by column (what is written beside a checkpoint). */
export function vocabulariesOf(spec: StreamSpec): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const c of [...(spec.table?.features ?? []), ...(spec.table ? [spec.table.label] : [])]) if (c.vocabulary) out[c.name] = c.vocabulary;
  if (spec.image) out['label'] = spec.image.classes;
  return out;
}
