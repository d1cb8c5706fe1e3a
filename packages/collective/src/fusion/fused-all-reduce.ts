/**
 * All-reduces a list of tensors through buckets of `bytesPerPack` (see bucket-plan.ts):
 * pack each bucket into a preallocated buffer, all-reduce it, unpack. Buffers are made
 * once per layout and reused on every call.
 */
import { ShapeMismatchError, type CollectiveCallOptions, type Communicator, type ReduceOp } from '@syncline/core';
import { planBuckets, type Bucket } from './bucket-plan';
import { allReduceFp16 } from './fp16-all-reduce';

/** Default pack size, as tf.distribute's default of 32 MiB would be too coarse for small models. */
export const DEFAULT_BYTES_PER_PACK = 4 << 20;

export interface FusionOptions {
  /** Largest bucket, bytes (default 4 MiB). */
  readonly bytesPerPack?: number;
  /** Send fp16 instead of fp32 (see allReduceFp16 for the error bound). */
  readonly compression?: 'none' | 'fp16';
}

export class FusedAllReduce {
  readonly buckets: readonly Bucket[];
  readonly #buffers: Float32Array[];

  /** @param lengths the float length of every tensor, in the order they will be passed. */
  constructor(
    readonly comm: Communicator,
    readonly lengths: readonly number[],
    readonly options: FusionOptions = {},
  ) {
    this.buckets = planBuckets(lengths, options.bytesPerPack ?? DEFAULT_BYTES_PER_PACK);
    this.#buffers = this.buckets.map((b) => new Float32Array(b.length));
  }

  /**
   * Reduces every tensor in place across ranks, bucket by bucket. Throws
   * ShapeMismatchError when the tensors do not match the lengths given at construction.
   */
  async allReduce(tensors: readonly Float32Array[], op: ReduceOp, options?: CollectiveCallOptions): Promise<void> {
    if (tensors.length !== this.lengths.length) throw new ShapeMismatchError(`FusedAllReduce got ${tensors.length} tensors, built for ${this.lengths.length}`);
    tensors.forEach((t, i) => {
      if (t.length !== this.lengths[i]) throw new ShapeMismatchError(`tensor ${i} has ${t.length} floats, FusedAllReduce was built for ${this.lengths[i]}`);
    });
    for (let b = 0; b < this.buckets.length; b++) {
      const bucket = this.buckets[b]!;
      const buf = this.#buffers[b]!;
      for (let i = bucket.first; i < bucket.last; i++) buf.set(tensors[i]!, bucket.offsets[i - bucket.first]!);
      if (this.options.compression === 'fp16') await allReduceFp16(this.comm, buf, op, options);
      else await this.comm.allReduce(buf, op, options);
      for (let i = bucket.first; i < bucket.last; i++) {
        const at = bucket.offsets[i - bucket.first]!;
        tensors[i]!.set(buf.subarray(at, at + tensors[i]!.length));
      }
    }
  }
}
