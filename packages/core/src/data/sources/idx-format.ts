/**
 * IDX pairs (images file + labels file, gzipped or raw) streamed: the small labels file is
 * read whole, the images file chunk by chunk; pixels are scaled to [0, 1] as loadIdxPair does.
 */
import { DataError } from '../../errors/data-error';
import { BYTE_TO_UNIT } from '../in-memory-source';
import { readIdxDims, readIdxFile } from '../idx-reader';
import { fileChunks } from './byte-stream';
import type { RawRecord, RecordFormat } from './record-format';
import type { StreamFile, StreamSpec } from './stream-spec';

/** One images file and its labels file. */
export interface IdxPairPaths {
  readonly images: string;
  readonly labels: string;
}

/** Reads the headers of every pair. Throws DataError for mismatched counts or shapes. */
export function inspectIdx(pairs: readonly IdxPairPaths[]): StreamSpec {
  let shape: number[] | undefined;
  const files: StreamFile[] = pairs.map((p) => {
    const dims = readIdxDims(p.images);
    const labels = readIdxDims(p.labels);
    if (dims.length < 2 || labels.length !== 1 || labels[0] !== dims[0]) {
      throw new DataError(
        `${p.images} ([${dims.join(', ')}]) and ${p.labels} ([${labels.join(', ')}]) are not an images file and its labels file of the same count.`,
      );
    }
    if (shape && shape.join('x') !== dims.slice(1).join('x'))
      throw new DataError(`${p.images} holds [${dims.slice(1).join(', ')}] images but ${pairs[0]!.images} [${shape.join(', ')}].`);
    shape = dims.slice(1);
    return { path: p.images, labels: p.labels, examples: dims[0]! };
  });
  if (!shape) throw new DataError('no IDX files; check --data.');
  return { format: 'idx', files, exampleShape: shape };
}

/** The reader-thread side: a raw record is one image's bytes with its label. */
export function idxFormat(spec: StreamSpec): RecordFormat {
  const len = spec.exampleShape.reduce((a, b) => a * b, 1);
  return {
    async *records(file: StreamFile): AsyncGenerator<RawRecord[]> {
      const labels = readIdxFile(file.labels!).data;
      const headerBytes = 4 + 4 * (spec.exampleShape.length + 1);
      let pending = Buffer.alloc(0);
      let skip = headerBytes;
      let n = 0;
      for await (const chunk of fileChunks(file.path)) {
        let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        if (skip > 0) {
          const s = Math.min(skip, buf.length);
          buf = buf.subarray(s);
          skip -= s;
        }
        const recs: RawRecord[] = [];
        let at = 0;
        for (; buf.length - at >= len && n < file.examples; at += len, n++) recs.push({ data: [Buffer.from(buf.subarray(at, at + len)), labels[n]!], line: n });
        pending = Buffer.from(buf.subarray(at));
        if (recs.length) yield recs;
      }
      if (n !== file.examples) throw new DataError(`${file.path}: holds ${n} images but its header promises ${file.examples}; the file is truncated.`);
    },
    decode(raw, _file, out, offset) {
      const [bytes, label] = raw.data as [Buffer, number];
      for (let i = 0; i < len; i++) out[offset + i] = bytes[i]! * BYTE_TO_UNIT;
      return label;
    },
  };
}
