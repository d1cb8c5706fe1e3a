/**
 * Deterministic initial weights from a seed: Glorot-uniform kernels (Keras's default:
 * limit = sqrt(6 / (fanIn + fanOut)), fans scaled by the receptive field for conv kernels
 * [kh, kw, in, out]) and zero biases. Each entry draws from its own mulberry32 stream
 * seeded with `seed` and the entry index, so the weights do not depend on entry order
 * elsewhere. (backend-tfjs uses its own PRNG: same distribution, not the same numbers.)
 */
import type { WeightLayout } from '@syncline/core';

/** Golden-ratio increment that decorrelates per-entry seeds. */
const SEED_STEP = 0x9e3779b9;

/** mulberry32: a small, fast 32-bit PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fan-in and fan-out of a kernel shape ([in, out] or [kh, kw, in, out]). */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

/** Fills a new flat buffer: Glorot-uniform for "/kernel" entries, zeros for the rest. */
export function glorotInit(layout: WeightLayout, seed: number): Float32Array {
  const flat = new Float32Array(layout.totalSize);
  layout.entries.forEach((e, k) => {
    if (!e.name.endsWith('/kernel')) return;
    const [fanIn, fanOut] = fans(e.shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const rand = mulberry32((seed >>> 0) + Math.imul(SEED_STEP, k + 1));
    const view = flat.subarray(e.offset, e.offset + e.size);
    for (let i = 0; i < view.length; i++) view[i] = (rand() * 2 - 1) * limit;
  });
  return flat;
}
