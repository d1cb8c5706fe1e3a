/**
 * Deterministic initial weights, as Keras initialises Dense and Conv2D by default:
 * Glorot (Xavier) uniform kernels and zero biases, drawn from core's seeded PRNG so
 * every backend (tfjs, onnx, pjrt) starts from bit-identical weights for one seed.
 *
 * Protocol:
 * 1. Entries are visited in layout order; entry i draws from its own stream
 *    `new Xoshiro128(mixSeed(seed, INIT_STREAM, i))`, so one tensor's values do not depend
 *    on the sizes of the tensors before it.
 * 2. Rank >= 2 (kernels, shape [...receptive, fanInUnits, fanOutUnits] as Keras stores
 *    them): receptive = product of the leading dims, fanIn = receptive * shape[-2],
 *    fanOut = receptive * shape[-1], limit = sqrt(6 / (fanIn + fanOut)); each element in
 *    row-major order is `(2 * nextFloat24() - 1) * limit`, computed in float64 and rounded
 *    to float32.
 * 3. Entries whose `initializer` is 'ones' (normalisation gamma, moving variance): ones.
 *    Other rank <= 1 entries (biases, beta, moving mean) and non-trainable entries: zeros.
 */
import type { WeightLayout } from '../contracts/weight-layout';
import { mixSeed, Xoshiro128 } from '../random/prng';
import type { ModelSpec } from '../spec/model-spec';
import { weightLayoutOf } from './weight-layout-of';

/** Stream key separating initialisation from every other use of the seed. */
export const INIT_STREAM = 0x1a17;
const GLOROT_NUMERATOR = 6;

/** Glorot-uniform limit `sqrt(6 / (fanIn + fanOut))` for a kernel shape (rank >= 2). */
export function glorotLimit(shape: readonly number[]): number {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = receptive * shape[shape.length - 2]!;
  const fanOut = receptive * shape[shape.length - 1]!;
  return Math.sqrt(GLOROT_NUMERATOR / (fanIn + fanOut));
}

/**
 * Initial flat weights for a layout (see the protocol above). Pure: the same (layout,
 * seed) always gives the same values.
 *
 * @param seed any integer; taken modulo 2^32.
 * @returns a new Float32Array of `layout.totalSize` elements.
 */
export function glorotUniformInit(layout: WeightLayout, seed: number): Float32Array {
  const out = new Float32Array(layout.totalSize);
  layout.entries.forEach((entry, i) => {
    if (entry.initializer === 'ones') out.fill(1, entry.offset, entry.offset + entry.size);
    if (!entry.trainable || entry.shape.length < 2) return;
    const limit = glorotLimit(entry.shape);
    const prng = new Xoshiro128(mixSeed(seed, INIT_STREAM, i));
    const view = out.subarray(entry.offset, entry.offset + entry.size);
    for (let k = 0; k < view.length; k++) view[k] = (2 * prng.nextFloat24() - 1) * limit;
  });
  return out;
}

/** `glorotUniformInit(weightLayoutOf(spec), seed)`: a spec's initial weights in core's layout. */
export function initialWeightsForSpec(spec: ModelSpec, seed: number): Float32Array {
  return glorotUniformInit(weightLayoutOf(spec), seed);
}
