/**
 * An images file plus a labels file in IDX format, loaded as one in-memory ExampleSource
 * (pixels kept as bytes and scaled to [0, 1] on read).
 */
import { DataError } from '../errors/data-error';
import { InMemorySource } from './in-memory-source';
import { readIdxFile } from './idx-reader';

/** Options of `loadIdxPair`. */
export interface LoadIdxPairOptions {
  /** Shape of one example; default the images' dims after the count (e.g. [28, 28]). */
  readonly exampleShape?: readonly number[];
}

/**
 * Loads `imagesPath` (IDX, >= 2 dims) and `labelsPath` (IDX, 1 dim). Throws DataError for
 * a missing or corrupt file, wrong dimensionality, an image/label count mismatch, or an
 * exampleShape that does not hold one image.
 */
export function loadIdxPair(imagesPath: string, labelsPath: string, options: LoadIdxPairOptions = {}): InMemorySource {
  const images = readIdxFile(imagesPath);
  const labels = readIdxFile(labelsPath);
  if (images.dims.length < 2) {
    throw new DataError(`${imagesPath} has dims [${images.dims.join(', ')}]; an images file needs a count and at least one example dimension. Were the images and labels files swapped?`);
  }
  if (labels.dims.length !== 1) {
    throw new DataError(`${labelsPath} has dims [${labels.dims.join(', ')}]; a labels file has exactly one dimension (the count). Were the images and labels files swapped?`);
  }
  const count = images.dims[0]!;
  if (labels.dims[0] !== count) {
    throw new DataError(
      `${imagesPath} holds ${count} images but ${labelsPath} holds ${labels.dims[0]} labels; the two files must come from the same split (e.g. train-images with train-labels).`,
    );
  }
  const perImage = images.dims.slice(1).reduce((a, b) => a * b, 1);
  const exampleShape = options.exampleShape ?? images.dims.slice(1);
  const wanted = exampleShape.reduce((a, b) => a * b, 1);
  if (wanted !== perImage) {
    throw new DataError(`exampleShape [${exampleShape.join(', ')}] holds ${wanted} values but each image of ${imagesPath} has ${perImage} ([${images.dims.slice(1).join(', ')}]).`);
  }
  return new InMemorySource({ x: images.data, y: labels.data, exampleShape, name: imagesPath });
}
