/**
 * Tensor fusion (as Horovod's fusion buffer and tf.distribute's bytes_per_pack): consecutive
 * tensors are packed into buckets of at most `bytesPerPack` bytes so one collective moves
 * many small gradients. A tensor larger than a pack gets a bucket of its own. Pure math.
 */
import { InvalidConfigError } from '@syncline/core';

/** One bucket: tensors [first, last) laid out back to back, `length` floats in all. */
export interface Bucket {
  readonly first: number;
  readonly last: number;
  readonly length: number;
  /** Float offset of each tensor of the bucket inside it. */
  readonly offsets: readonly number[];
}

/**
 * Groups tensors of the given lengths (floats) into buckets of at most `bytesPerPack`
 * bytes, in order. Throws InvalidConfigError for a non-positive pack size.
 */
export function planBuckets(lengths: readonly number[], bytesPerPack: number): Bucket[] {
  if (!(bytesPerPack >= 4)) throw new InvalidConfigError('bytesPerPack', bytesPerPack, 'a number of bytes >= 4', { source: 'planBuckets' });
  const cap = Math.floor(bytesPerPack / 4);
  const out: Bucket[] = [];
  let first = 0;
  let offsets: number[] = [];
  let length = 0;
  lengths.forEach((len, i) => {
    if (i > first && length + len > cap) {
      out.push({ first, last: i, length, offsets });
      first = i;
      offsets = [];
      length = 0;
    }
    offsets.push(length);
    length += len;
  });
  if (lengths.length > first) out.push({ first, last: lengths.length, length, offsets });
  return out;
}
