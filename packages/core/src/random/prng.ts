/**
 * The seeded pseudo-random generator behind every shuffle: xoshiro128** (Blackman and
 * Vigna, 2018) seeded through splitmix32, plus `deriveSeed` for independent streams.
 *
 * Protocol:
 * 1. A user seed (uint32) and a stream key (pass number, stream id) are folded into one
 *    uint32 with `deriveSeed`: each part is passed through the murmur3 finaliser `fmix32`
 *    and xored in, so neighbouring passes give unrelated seeds.
 * 2. That uint32 seeds a splitmix32 Weyl sequence (golden-ratio increment, fmix32 output),
 *    whose first four outputs fill xoshiro128**'s 128-bit state (never all zero).
 * 3. xoshiro128** yields uint32s; `nextBelow(n)` turns them into unbiased integers in
 *    [0, n) by Lemire's multiply-shift with rejection (n < 2^21), or by rejection on a
 *    53-bit draw above that.
 * The whole computation is integer arithmetic (Math.imul, >>>), so every Node version on
 * every machine produces the same sequence: workers agree without talking.
 */

/** Golden-ratio increment of the splitmix32 Weyl sequence (2^32 / phi). */
const GOLDEN_GAMMA = 0x9e3779b9;
/** murmur3 fmix32 multipliers. */
const FMIX_C1 = 0x85ebca6b;
const FMIX_C2 = 0xc2b2ae35;
/** Domain-separation constants so (pass, stream) = (a, b) and (b, a) differ. */
const PASS_SALT = 0x243f6a88;
const STREAM_SALT = 0xb7e15162;
const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_21 = 0x20_0000;
const TWO_POW_53 = 2 ** 53;

/** murmur3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, FMIX_C1);
  h ^= h >>> 13;
  h = Math.imul(h, FMIX_C2);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Per-position salt of mixSeed, so mixSeed(s, a, b) and mixSeed(s, b, a) differ. */
const POSITION_SALT = 0x6a09e667;
const TWO_POW_MINUS_24 = 1 / 0x100_0000;

/**
 * Folds a uint32 seed and any number of uint32 stream keys into one uint32 seed: each
 * part goes through fmix32 (keys with a per-position salt) and is xored in, so streams
 * (weight entry 0, 1, ...; dropout of replica r, layer l) are unrelated. Every backend
 * seeds weight initialisation and dropout masks this way.
 */
export function mixSeed(seed: number, ...keys: readonly number[]): number {
  let h = fmix32(seed >>> 0);
  keys.forEach((key, i) => {
    h = fmix32((h ^ fmix32(((key >>> 0) + Math.imul(i + 1, POSITION_SALT)) >>> 0)) >>> 0);
  });
  return h;
}

/** Folds a non-negative integer of up to 53 bits into a uint32 key (high bits xored in). */
function fold(n: number): number {
  return (n >>> 0) ^ fmix32(Math.floor(n / TWO_POW_32) >>> 0);
}

/**
 * Derives an independent uint32 seed for one (pass, stream) of a user seed. Pure: every
 * worker computes the same value. `pass` is the real pass over the data (0, 1, ...);
 * `stream` separates uses of one pass (the shuffle, per-worker file order, ...).
 */
export function deriveSeed(seed: number, pass: number, stream = 0): number {
  let h = fmix32((seed >>> 0) ^ GOLDEN_GAMMA);
  h = fmix32(h ^ fmix32((fold(pass) + PASS_SALT) >>> 0));
  h = fmix32(h ^ fmix32((fold(stream) + STREAM_SALT) >>> 0));
  return h;
}

/** xoshiro128**: 128-bit state, period 2^128 - 1, passes BigCrush; ~1 ns per draw in V8. */
export class Xoshiro128 {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Seeds from a uint32 (other numbers are truncated to their low 32 bits). */
  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Re-seeds in place (no allocation), as if freshly constructed with `seed`. */
  reseed(seed: number): void {
    let x = seed >>> 0;
    x = (x + GOLDEN_GAMMA) >>> 0;
    this.s0 = fmix32(x);
    x = (x + GOLDEN_GAMMA) >>> 0;
    this.s1 = fmix32(x);
    x = (x + GOLDEN_GAMMA) >>> 0;
    this.s2 = fmix32(x);
    x = (x + GOLDEN_GAMMA) >>> 0;
    this.s3 = fmix32(x);
    // fmix32 is a bijection and the inputs differ, so at most one word is zero: never all zero.
  }

  /** Next uniform uint32. */
  nextUint32(): number {
    const s1 = this.s1;
    const rot = Math.imul(s1, 5);
    const result = Math.imul((rot << 7) | (rot >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 0x400_0000 + lo) / TWO_POW_53;
  }

  /** Uniform float in [0, 1) with 24 random bits (the top bits of one draw): exact in float32. */
  nextFloat24(): number {
    return (this.nextUint32() >>> 8) * TWO_POW_MINUS_24;
  }

  /**
   * Unbiased uniform integer in [0, n). Throws RangeError unless 1 <= n <= 2^53 and n is
   * an integer (a programming error, not a data error).
   */
  nextBelow(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_53 && Number.isInteger(n))) {
      throw new RangeError(`nextBelow(n): n must be an integer in [1, 2^53], got ${n}`);
    }
    if (n <= TWO_POW_21) {
      // Lemire: m = r * n is exact (< 2^53); the high word is the result, the low word decides rejection.
      let m = this.nextUint32() * n;
      let low = m % TWO_POW_32;
      if (low < n) {
        const threshold = (TWO_POW_32 - n) % n;
        while (low < threshold) {
          m = this.nextUint32() * n;
          low = m % TWO_POW_32;
        }
      }
      return Math.floor(m / TWO_POW_32);
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    for (;;) {
      const u = (this.nextUint32() >>> 5) * 0x400_0000 + (this.nextUint32() >>> 6);
      if (u < limit) return u % n;
    }
  }
}
