/**
 * A source made of several files (shards), for FILE auto-sharding: the list of files is
 * known up front with each file's example count (read from headers only), and a worker
 * opens just the files it is given.
 */
import { DataError } from '../errors/data-error';
import { InvalidConfigError } from '../errors/invalid-config-error';
import type { ExampleSource } from '../contracts/example-source';
import { InMemorySource } from './in-memory-source';
import { readIdxDims } from './idx-reader';
import { loadIdxPair } from './idx-source';

/** A list of files that each hold whole examples; FILE sharding splits the list. */
export interface FileListSource {
  readonly kind: 'file-list';
  /** One name per file (for messages and logs). */
  readonly files: readonly string[];
  /** Examples in each file, same order as `files`. */
  readonly fileSizes: readonly number[];
  /** Total examples over all files. */
  readonly size: number;
  readonly exampleShape: readonly number[];
  /** Loads the given files (indices into `files`), concatenated in that order. */
  open(fileIndices: readonly number[]): ExampleSource;
}

/** True for a FileListSource (as opposed to a plain ExampleSource). */
export function isFileListSource(s: unknown): s is FileListSource {
  return typeof s === 'object' && s !== null && (s as { kind?: unknown }).kind === 'file-list';
}

/** One IDX shard: an images file and its labels file. */
export interface IdxShard {
  readonly images: string;
  readonly labels: string;
}

/**
 * A FileListSource over IDX shards (each an images + labels pair, .gz or raw). Only the
 * headers are read here; `open` loads and concatenates. Throws InvalidConfigError for an
 * empty list, DataError for a missing/corrupt header, count mismatch or differing shapes.
 */
export function idxFileListSource(
  shards: readonly IdxShard[],
  options: { exampleShape?: readonly number[]; dtype?: 'float32' | 'uint8' } = {},
): FileListSource {
  if (shards.length === 0) throw new InvalidConfigError('shards', shards, 'at least one {images, labels} pair');
  const sizes: number[] = [];
  let shape: readonly number[] | undefined;
  for (const s of shards) {
    const dims = readIdxDims(s.images);
    const labelDims = readIdxDims(s.labels);
    if (labelDims[0] !== dims[0]) {
      throw new DataError(`${s.images} holds ${dims[0]} images but ${s.labels} holds ${labelDims[0]} labels; each shard's two files must match.`);
    }
    const itemShape = dims.slice(1);
    if (shape && itemShape.join('x') !== shape.join('x')) {
      throw new DataError(
        `${s.images} has images of [${itemShape.join(', ')}] but ${shards[0]!.images} has [${shape.join(', ')}]; all shards must hold the same shape.`,
      );
    }
    shape = itemShape;
    sizes.push(dims[0]!);
  }
  const exampleShape = options.exampleShape ?? shape!;
  return {
    kind: 'file-list',
    files: shards.map((s) => s.images),
    fileSizes: sizes,
    size: sizes.reduce((a, b) => a + b, 0),
    exampleShape,
    open(fileIndices: readonly number[]): ExampleSource {
      const parts = fileIndices.map((i) => {
        const s = shards[i];
        if (!s) throw new InvalidConfigError('fileIndices', i, `an index in [0, ${shards.length - 1}]`);
        return loadIdxPair(s.images, s.labels, { exampleShape, dtype: options.dtype });
      });
      return concatSources(parts, exampleShape);
    },
  };
}

/** Concatenates in-memory byte sources into one (a copy; the parts may be dropped). */
export function concatSources(parts: readonly InMemorySource[], exampleShape: readonly number[]): InMemorySource {
  if (parts.length === 1) return parts[0]!;
  const len = exampleShape.reduce((a, b) => a * b, 1);
  const total = parts.reduce((a, p) => a + p.size, 0);
  const allBytes = parts.every((p) => p.x instanceof Uint8Array);
  const x = allBytes ? new Uint8Array(total * len) : new Float32Array(total * len);
  const y = new Int32Array(total);
  let at = 0;
  for (const p of parts) {
    if (allBytes) x.set(p.x, at * len);
    else for (let i = 0; i < p.size; i++) p.readFeatures(i, x as Float32Array, (at + i) * len);
    for (let i = 0; i < p.size; i++) y[at + i] = p.label(i);
    at += p.size;
  }
  return new InMemorySource({ x, y, exampleShape, name: parts.map((p) => p.name).join(' + ') });
}
