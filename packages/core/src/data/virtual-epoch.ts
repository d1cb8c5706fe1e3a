/**
 * Virtual epochs: an epoch is a fixed number of examples of one endless stream, not a
 * pass over the files, so curves and checkpoints compare across dataset sizes.
 *
 * Protocol:
 * 1. The stream is pass 0's permutation, then pass 1's, ...: stream position p is
 *    example `order(pass)[offset]` with pass = floor(p / datasetSize) and
 *    offset = p mod datasetSize. Each real pass reshuffles.
 * 2. Epoch e covers stream positions [e * V, (e + 1) * V), V = virtualEpochSize
 *    (default: datasetSize, so an epoch is exactly one pass).
 * 3. stepsPerEpoch = ceil(V / B) for batch B; with dropRemainder floor(V / B), and the
 *    last V mod B examples of each epoch are skipped (as tf.data drops them).
 * 4. Step s of an epoch holds min(B, V - s * B) examples (B when dropRemainder).
 */
import { InvalidConfigError } from '../errors/invalid-config-error';

/** A stream position split into the real pass and the offset inside that pass. */
export interface StreamPosition {
  readonly pass: number;
  readonly offset: number;
}

/**
 * Steps in one epoch of `examplesPerEpoch` examples at batch `batchSize`: ceil, or floor
 * with dropRemainder (which may be 0: callers that need a step reject it). Throws
 * InvalidConfigError for a non-positive or non-integer argument.
 */
export function stepsPerEpoch(examplesPerEpoch: number, batchSize: number, dropRemainder = false): number {
  checkPositiveInt('virtualEpochSize', examplesPerEpoch);
  checkPositiveInt('batchSize', batchSize);
  return dropRemainder ? Math.floor(examplesPerEpoch / batchSize) : Math.ceil(examplesPerEpoch / batchSize);
}

/** Examples in step `step` of an epoch (the last one may be short unless dropRemainder). */
export function stepLength(step: number, examplesPerEpoch: number, batchSize: number, dropRemainder = false): number {
  if (dropRemainder) return batchSize;
  return Math.max(0, Math.min(batchSize, examplesPerEpoch - step * batchSize));
}

/** Stream position where epoch `epoch` starts: epoch * examplesPerEpoch. */
export function epochStart(epoch: number, examplesPerEpoch: number): number {
  return epoch * examplesPerEpoch;
}

/** Splits stream position `position` into (pass, offset) for a dataset of `datasetSize`. */
export function streamPosition(position: number, datasetSize: number): StreamPosition {
  const pass = Math.floor(position / datasetSize);
  return { pass, offset: position - pass * datasetSize };
}

/** Throws InvalidConfigError unless `value` is an integer >= 1. */
export function checkPositiveInt(field: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 1)) {
    throw new InvalidConfigError(field, value, 'an integer >= 1');
  }
}
