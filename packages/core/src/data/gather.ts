/**
 * The inner loop of the pipeline: copies the examples at a run of stream positions into
 * one replica's preallocated buffers.
 *
 * Protocol:
 * 1. Position p of a stream over `size` examples is (pass, offset) = (floor(p / size),
 *    p mod size); the example is `order.of(pass)[offset]` (pass orders are cached).
 * 2. Positions start, start + stride, ... (count of them) are walked with a running
 *    (pass, offset), so no division happens per example.
 * 3. Example k's features land at x[k * exampleLength ..], its label at y[k]. An Int32Array
 *    y takes class ids only: a fractional label is refused (DataError naming the example),
 *    never truncated; a Float32Array y takes any label (rounded to float32).
 */
import type { Labels } from '../contracts/batch';
import { DataError } from '../errors/data-error';
import type { ExampleSource } from '../contracts/example-source';
import type { PassOrder } from './shuffle';

/** Copies `count` examples at positions start + k * stride into `x`/`y` (from index 0). */
export function gatherRange(source: ExampleSource, order: PassOrder, start: number, stride: number, count: number, x: Float32Array, y: Labels): void {
  if (count === 0) return;
  const size = order.size;
  const len = source.exampleLength;
  let pass = Math.floor(start / size);
  let offset = start - pass * size;
  let perm = order.of(pass);
  const ids = y instanceof Int32Array;
  for (let k = 0; k < count; k++) {
    const index = perm[offset]!;
    source.readFeatures(index, x, k * len);
    const label = source.label(index);
    if (ids && (label | 0) !== label) throw fractionalLabel(source, index, label);
    y[k] = label;
    offset += stride;
    if (offset >= size) {
      while (offset >= size) {
        offset -= size;
        pass++;
      }
      if (k + 1 < count) perm = order.of(pass);
    }
  }
}

function fractionalLabel(source: ExampleSource, index: number, label: number): DataError {
  const name = (source as { name?: unknown }).name;
  return new DataError(
    `${typeof name === 'string' ? name : 'the source'}: label ${label} of example ${index} is not an integer class id; ` +
      `a classification loss needs int32 class labels (use meanSquaredError, meanAbsoluteError or binaryCrossentropy for real-valued targets).`,
  );
}
