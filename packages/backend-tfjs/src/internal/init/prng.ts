/**
 * The seeded generator behind weight initialisation and dropout masks, independent of
 * tfjs's global RNG so the same seed gives the same numbers on every tfjs backend,
 * every thread and every machine.
 *
 * Protocol:
 * 1. `mixSeed(seed, ...keys)` folds a uint32 seed and any number of uint32 stream keys
 *    into one uint32: each part goes through murmur3's finaliser `fmix32` (with a
 *    per-position salt) and is xored in, so streams (entry 0, entry 1, ...) are unrelated.
 * 2. That uint32 seeds a splitmix32 Weyl sequence (increment 0x9e3779b9, output fmix32);
 *    its first four outputs fill xoshiro128**'s 128-bit state (never all zero).
 * 3. `nextUint32()` is xoshiro128** (Blackman and Vigna, 2018); `nextFloat()` takes the
 *    top 24 bits: `(u >>> 8) / 2^24`, a float in [0, 1) that float32 holds exactly.
 * Integer arithmetic only (Math.imul, >>>), so results are identical everywhere.
 */

const GOLDEN_GAMMA = 0x9e3779b9;
const FMIX_C1 = 0x85ebca6b;
const FMIX_C2 = 0xc2b2ae35;
/** Per-position salt so mixSeed(s, a, b) and mixSeed(s, b, a) differ. */
const POSITION_SALT = 0x6a09e667;
const FLOAT_BITS_SHIFT = 8;
const TWO_POW_MINUS_24 = 1 / 0x100_0000;

/** murmur3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, FMIX_C1);
  h ^= h >>> 13;
  h = Math.imul(h, FMIX_C2);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds a seed and stream keys (each taken modulo 2^32) into one uint32 seed. */
export function mixSeed(seed: number, ...keys: readonly number[]): number {
  let h = fmix32(seed >>> 0);
  keys.forEach((key, i) => {
    h = fmix32((h ^ fmix32(((key >>> 0) + Math.imul(i + 1, POSITION_SALT)) >>> 0)) >>> 0);
  });
  return h;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** xoshiro128** seeded through splitmix32; see the protocol at the top of this file. */
export class Prng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** @param seed any number; taken modulo 2^32. */
  constructor(seed: number) {
    let weyl = seed >>> 0;
    const next = (): number => {
      weyl = (weyl + GOLDEN_GAMMA) >>> 0;
      return fmix32(weyl);
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = GOLDEN_GAMMA;
  }

  /** The next uint32 of the stream. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    this.#s0 >>>= 0;
    this.#s1 >>>= 0;
    this.#s2 >>>= 0;
    return result;
  }

  /** A float in [0, 1) with 24 random bits (exact in float32). */
  nextFloat(): number {
    return (this.nextUint32() >>> FLOAT_BITS_SHIFT) * TWO_POW_MINUS_24;
  }
}
