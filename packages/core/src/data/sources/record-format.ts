/**
 * The one contract every file format of a StreamSource implements in the reader thread:
 * raw records of one file in order (cheap to skip), then decoding of the ones kept.
 * Keeping records raw until after the shuffle buffer lets DATA sharding and resume skip
 * records without decoding them.
 */
import type { StreamFile } from './stream-spec';

/** One record as read: format-specific data and its place in the file (record index or line number). */
export interface RawRecord {
  readonly data: unknown;
  readonly line: number;
}

export interface RecordFormat {
  /** The records of `file` in file order, a chunk's worth per item. Throws DataError naming the file for a corrupt one. */
  records(file: StreamFile): AsyncIterable<readonly RawRecord[]>;
  /**
   * Writes the features of `raw` at out[offset ..] and returns its label (a promise where
   * decoding is asynchronous, as for images). Throws DataError naming file and line.
   */
  decode(raw: RawRecord, file: StreamFile, out: Float32Array, offset: number): number | Promise<number>;
}
