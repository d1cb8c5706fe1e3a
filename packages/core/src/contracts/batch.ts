/**
 * A batch of examples as it crosses into a replica: flat, typed, and shaped by the
 * model's input shape. Sizes are in examples; `x.length === size * prod(exampleShape)`.
 */
export interface Batch {
  /** Features, row-major, `size` examples of `exampleShape` each. */
  readonly x: Float32Array;
  /** Sparse class labels, one per example. */
  readonly y: Int32Array;
  /** Number of examples in this batch; may be 0 for a replica with no data this step. */
  readonly size: number;
  /** Shape of one example, e.g. [784] or [28, 28, 1]. */
  readonly exampleShape: readonly number[];
}

/** Makes the ring's buffers; give one that returns SharedArrayBuffer views to share batches with threads. */
export interface BatchAllocator {
  features(length: number): Float32Array;
  labels(length: number): Int32Array;
}
