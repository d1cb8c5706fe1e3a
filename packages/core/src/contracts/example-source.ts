/**
 * A random-access source of labelled examples: the unit the pipeline shuffles, shards
 * and batches. In-memory arrays and IDX files both end up as one of these.
 */
import type { LabelKind } from './batch';

export interface ExampleSource {
  /** Number of examples. */
  readonly size: number;
  /** Shape of one example, e.g. [28, 28, 1]. */
  readonly exampleShape: readonly number[];
  /** Elements per example (product of exampleShape). */
  readonly exampleLength: number;
  /** Copies example `index`'s features into `out` at `outOffset` (elements). */
  readFeatures(index: number, out: Float32Array, outOffset: number): void;
  /** Label of example `index`. */
  label(index: number): number;
  /** 'float32' when the labels are real values (regression targets); default 'int32' (class ids). */
  readonly labelKind?: LabelKind;
}
