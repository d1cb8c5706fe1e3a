/**
 * A batch of examples as it crosses into a replica: flat, typed, and shaped by the
 * model's input shape. Sizes are in examples; `x.length === size * prod(exampleShape)`.
 * Labels are int32 class ids for the classification losses and float32 values for the
 * regression losses and binary cross-entropy (soft labels): see `labelKindOf`.
 */

/** How a batch's labels are stored: class ids ('int32') or real values ('float32'). */
export type LabelKind = 'int32' | 'float32';

/** Labels of one batch: Int32Array for class ids, Float32Array for real-valued targets. */
export type Labels = Int32Array | Float32Array;

export interface Batch {
  /** Features, row-major, `size` examples of `exampleShape` each. */
  readonly x: Float32Array;
  /** Labels, one per example: class ids (Int32Array) or real targets (Float32Array). */
  readonly y: Labels;
  /** Number of examples in this batch; may be 0 for a replica with no data this step. */
  readonly size: number;
  /** Shape of one example, e.g. [784] or [28, 28, 1]. */
  readonly exampleShape: readonly number[];
}

/** Makes the ring's buffers; give one that returns SharedArrayBuffer views to share batches with threads. */
export interface BatchAllocator {
  features(length: number): Float32Array;
  /** Label buffers; `kind` defaults to 'int32'. One that returns an Int32Array for 'float32' is reinterpreted (same 4 bytes). */
  labels(length: number, kind?: LabelKind): Labels;
}
