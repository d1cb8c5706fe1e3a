/**
 * An images file plus a labels file in IDX format, loaded as one in-memory ExampleSource
 * with pixels scaled to [0, 1]: converted once to Float32Array (default; reads are a
 * plain copy, ~4x faster) or kept as bytes and scaled on every read (4x less memory).
 */
import { DataError } from '../errors/data-error';
import { BYTE_TO_UNIT, InMemorySource } from './in-memory-source';
import { readIdxDims, readIdxFile } from './idx-reader';
import { readIdxPrefix } from './idx-prefix';

/** Options of `loadIdxPair`. */
export interface LoadIdxPairOptions {
  /** Shape of one example; default the images' dims after the count (e.g. [28, 28]). */
  readonly exampleShape?: readonly number[];
  /** 'float32' (default): convert once, fast reads; 'uint8': keep bytes, scale on read, 1/4 the memory. */
  readonly dtype?: 'float32' | 'uint8';
  /** Keep only the first `limit` examples: only as much of the files is read and decoded (see idx-prefix.ts). */
  readonly limit?: number;
}

/**
 * Loads `imagesPath` (IDX, >= 2 dims) and `labelsPath` (IDX, 1 dim). Throws DataError for
 * a missing or corrupt file, wrong dimensionality, an image/label count mismatch, or an
 * exampleShape that does not hold one image.
 */
export function loadIdxPair(imagesPath: string, labelsPath: string, options: LoadIdxPairOptions = {}): InMemorySource {
  const limited = options.limit !== undefined;
  const images = limited ? readIdxPrefix(imagesPath, options.limit!) : readIdxFile(imagesPath);
  const labels = limited ? readIdxPrefix(labelsPath, options.limit!) : readIdxFile(labelsPath);
  if (images.dims.length < 2) {
    throw new DataError(
      `${imagesPath} has dims [${images.dims.join(', ')}]; an images file needs a count and at least one example dimension. Were the images and labels files swapped?`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new DataError(
      `${labelsPath} has dims [${labels.dims.join(', ')}]; a labels file has exactly one dimension (the count). Were the images and labels files swapped?`,
    );
  }
  // with a limit, compare the counts the headers promise, not the prefixes read
  const imageCount = limited ? readIdxDims(imagesPath)[0]! : images.dims[0]!;
  const labelCount = limited ? readIdxDims(labelsPath)[0]! : labels.dims[0]!;
  if (labelCount !== imageCount) {
    throw new DataError(
      `${imagesPath} holds ${imageCount} images but ${labelsPath} holds ${labelCount} labels; the two files must come from the same split (e.g. train-images with train-labels).`,
    );
  }
  const perImage = images.dims.slice(1).reduce((a, b) => a * b, 1);
  const exampleShape = options.exampleShape ?? images.dims.slice(1);
  const wanted = exampleShape.reduce((a, b) => a * b, 1);
  if (wanted !== perImage) {
    throw new DataError(
      `exampleShape [${exampleShape.join(', ')}] holds ${wanted} values but each image of ${imagesPath} has ${perImage} ([${images.dims.slice(1).join(', ')}]).`,
    );
  }
  const x = options.dtype === 'uint8' ? images.data : toUnitFloats(images.data);
  return new InMemorySource({ x, y: labels.data, exampleShape, name: imagesPath });
}

/** Bytes to a new Float32Array scaled by 1/255. */
function toUnitFloats(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! * BYTE_TO_UNIT;
  return out;
}
