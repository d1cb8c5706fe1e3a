/**
 * The inner loop of the pipeline: copies the examples at a run of stream positions into
 * one replica's preallocated buffers.
 *
 * Protocol:
 * 1. Position p of a stream over `size` examples is (pass, offset) = (floor(p / size),
 *    p mod size); the example is `order.of(pass)[offset]` (pass orders are cached).
 * 2. Positions start, start + stride, ... (count of them) are walked with a running
 *    (pass, offset), so no division happens per example.
 * 3. Example k's features land at x[k * exampleLength ..], its label at y[k].
 */
import type { ExampleSource } from '../contracts/example-source';
import type { PassOrder } from './shuffle';

/** Copies `count` examples at positions start + k * stride into `x`/`y` (from index 0). */
export function gatherRange(source: ExampleSource, order: PassOrder, start: number, stride: number, count: number, x: Float32Array, y: Int32Array): void {
  if (count === 0) return;
  const size = order.size;
  const len = source.exampleLength;
  let pass = Math.floor(start / size);
  let offset = start - pass * size;
  let perm = order.of(pass);
  for (let k = 0; k < count; k++) {
    const index = perm[offset]!;
    source.readFeatures(index, x, k * len);
    y[k] = source.label(index);
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
