/**
 * Deterministic initial weights from a seed, as Keras initialises Dense and Conv2D by
 * default: Glorot-uniform kernels, zero biases.
 * 1. Entry i of the layout draws from its own stream Xoshiro128(deriveSeed(seed, i, INIT_STREAM))
 *    (core's PRNG), so one tensor's values do not depend on the others' sizes.
 * 2. Rank >= 2 (kernels [...receptive, in, out]): fanIn = receptive * in, fanOut =
 *    receptive * out, limit = sqrt(6 / (fanIn + fanOut)); each element in row-major
 *    order is (2 u - 1) limit with u uniform in [0, 1), rounded to float32.
 * 3. Rank <= 1 (biases) and non-trainable entries: zeros.
 */
import { Xoshiro128, deriveSeed, type WeightLayout } from '@syncline/core';

/** Stream key separating weight initialisation from other uses of the seed. */
export const INIT_STREAM = 0x9e11;
const GLOROT_NUMERATOR = 6;

export function glorotUniformInit(layout: WeightLayout, seed: number): Float32Array {
  const out = new Float32Array(layout.totalSize);
  layout.entries.forEach((e, i) => {
    if (!e.trainable || e.shape.length < 2) return;
    const receptive = e.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = receptive * e.shape[e.shape.length - 2]!;
    const fanOut = receptive * e.shape[e.shape.length - 1]!;
    const limit = Math.sqrt(GLOROT_NUMERATOR / (fanIn + fanOut));
    const prng = new Xoshiro128(deriveSeed(seed, i, INIT_STREAM));
    const view = out.subarray(e.offset, e.offset + e.size);
    for (let k = 0; k < view.length; k++) view[k] = (2 * prng.nextFloat() - 1) * limit;
  });
  return out;
}
