/**
 * Deterministic initial weights from a seed, the same algorithm backend-tfjs documents, so
 * one seed gives bit-identical starting weights on both backends:
 * 1. each trainable entry with rank >= 2 (kernels) gets its own stream:
 *    xoshiro128** seeded by mixSeed(seed, INIT_STREAM, entryIndex) (fmix32-based mixing;
 *    the four state words are fmix32 of a golden-ratio Weyl sequence);
 * 2. values are Glorot-uniform: (2u - 1) * sqrt(6 / (fanIn + fanOut)), u with 24 random
 *    bits, fans scaled by the receptive field for conv kernels [kh, kw, in, out];
 * 3. biases (rank 1) are zero.
 */
import type { WeightLayout } from '@syncline/core';

/** Stream id of weight initialisation (shared with backend-tfjs). */
export const INIT_STREAM = 0x1a17;
const GOLDEN_GAMMA = 0x9e3779b9;
const FMIX_C1 = 0x85ebca6b;
const FMIX_C2 = 0xc2b2ae35;
const POSITION_SALT = 0x6a09e667;
const TWO_POW_MINUS_24 = 1 / 0x100_0000;
const GLOROT_NUMERATOR = 6;

/** MurmurHash3's 32-bit finaliser. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, FMIX_C1);
  h ^= h >>> 13;
  h = Math.imul(h, FMIX_C2);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes a seed with stream keys (position-salted) into one 32-bit seed. */
export function mixSeed(seed: number, ...keys: readonly number[]): number {
  let h = fmix32(seed >>> 0);
  keys.forEach((key, i) => {
    h = fmix32((h ^ fmix32(((key >>> 0) + Math.imul(i + 1, POSITION_SALT)) >>> 0)) >>> 0);
  });
  return h;
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** xoshiro128** returning floats in [0, 1) with 24 random bits. */
export function xoshiro128(seed: number): () => number {
  let weyl = seed >>> 0;
  const next = (): number => fmix32((weyl = (weyl + GOLDEN_GAMMA) >>> 0));
  let s0 = next();
  let s1 = next();
  let s2 = next();
  let s3 = next();
  if ((s0 | s1 | s2 | s3) === 0) s0 = GOLDEN_GAMMA;
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    s0 >>>= 0;
    s1 >>>= 0;
    s2 >>>= 0;
    return (result >>> 8) * TWO_POW_MINUS_24;
  };
}

/** Fan-in and fan-out of a kernel shape ([in, out] or [kh, kw, in, out]). */
export function fans(shape: readonly number[]): [number, number] {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

/** A new flat buffer: Glorot-uniform kernels, zero biases. */
export function glorotInit(layout: WeightLayout, seed: number): Float32Array {
  const flat = new Float32Array(layout.totalSize);
  layout.entries.forEach((e, k) => {
    if (!e.trainable || e.shape.length < 2) return;
    const [fanIn, fanOut] = fans(e.shape);
    const limit = Math.sqrt(GLOROT_NUMERATOR / (fanIn + fanOut));
    const rand = xoshiro128(mixSeed(seed, INIT_STREAM, k));
    const view = flat.subarray(e.offset, e.offset + e.size);
    for (let i = 0; i < view.length; i++) view[i] = (2 * rand() - 1) * limit;
  });
  return flat;
}
