/**
 * Fashion-MNIST from its four IDX .gz files (Debian's dataset-fashion-mnist layout): train
 * and test sources of [28, 28, 1] images scaled to [0, 1] with labels 0..9.
 */
import { join } from 'node:path';
import type { InMemorySource } from './in-memory-source';
import { loadIdxPair } from './idx-source';

/** Where Debian's package dataset-fashion-mnist installs the files. */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
/** File names inside that directory (the upstream names). */
export const FASHION_MNIST_FILES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
});
/** Shape of one Fashion-MNIST example as the models take it. */
export const FASHION_MNIST_SHAPE: readonly number[] = Object.freeze([28, 28, 1]);
/** Number of classes. */
export const FASHION_MNIST_CLASSES = 10;

/** The two splits. */
export interface FashionMnist {
  readonly train: InMemorySource;
  readonly test: InMemorySource;
}

/** Options of loadFashionMnist. */
export interface LoadFashionMnistOptions {
  /** 'float32' (default, ~190 MB for train) or 'uint8' (~47 MB, scaled on read). */
  readonly dtype?: 'float32' | 'uint8';
  /** Keep only the first `trainLimit` training examples (only those are read and decoded). */
  readonly trainLimit?: number;
}

/**
 * Loads Fashion-MNIST from `dir` (default /usr/share/datasets/fashion-mnist). Throws
 * DataError naming the file when one is missing (with how to install it), corrupt,
 * truncated, or when image and label counts differ.
 */
export function loadFashionMnist(dir: string = DEFAULT_FASHION_MNIST_DIR, options: LoadFashionMnistOptions = {}): FashionMnist {
  const f = FASHION_MNIST_FILES;
  const opts = { exampleShape: FASHION_MNIST_SHAPE, dtype: options.dtype };
  const train = { ...opts, ...(options.trainLimit !== undefined ? { limit: options.trainLimit } : {}) };
  return {
    train: loadIdxPair(join(dir, f.trainImages), join(dir, f.trainLabels), train),
    test: loadIdxPair(join(dir, f.testImages), join(dir, f.testLabels), opts),
  };
}
