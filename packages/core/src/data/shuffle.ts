/**
 * The per-pass permutation: a pure function of (size, seed, pass), so every worker
 * computes the same order without communication.
 *
 * Protocol:
 * 1. Seed a xoshiro128** generator with `deriveSeed(seed, pass, SHUFFLE_STREAM)`.
 * 2. Fill `out[0..n)` with the identity 0..n-1.
 * 3. Fisher-Yates (Durstenfeld), high to low: for i = n-1 down to 1, swap out[i] with
 *    out[j], j = nextBelow(i + 1). Every permutation is equally likely.
 * With `shuffle` off the identity is returned, so "no shuffle" shares the same path.
 */
import { deriveSeed, Xoshiro128 } from '../random/prng';

/** Stream id of the shuffle inside `deriveSeed`; other uses of a pass take other ids. */
export const SHUFFLE_STREAM = 0;
/** Seed used when the caller gives none: fixed, so workers still agree. */
export const DEFAULT_SHUFFLE_SEED = 0x5eed_2024;
/** Largest size a Uint32Array permutation can index. */
export const MAX_PERMUTATION_SIZE = 0xffff_ffff;

/**
 * Writes the permutation of 0..n-1 for (seed, pass) into `out` (reused when its length
 * is n, else a new Uint32Array is made) and returns it. Pure: equal inputs give equal
 * outputs on every machine. Throws RangeError for a negative or non-integer `n`.
 */
export function permutation(n: number, seed: number, pass: number, out?: Uint32Array, stream: number = SHUFFLE_STREAM): Uint32Array {
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_PERMUTATION_SIZE)) {
    throw new RangeError(`permutation size must be an integer in [0, 2^32), got ${n}`);
  }
  const perm = out && out.length === n ? out : new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rng = new Xoshiro128(deriveSeed(seed, pass, stream));
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

/** The identity order 0..n-1 (what `shuffle: false` reads), into `out` when it fits. */
export function identityOrder(n: number, out?: Uint32Array): Uint32Array {
  const perm = out && out.length === n ? out : new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  return perm;
}

/**
 * A one-entry cache of pass permutations over one buffer: the pipeline asks for the
 * order of the pass it is in, and recomputes only when the pass changes (once per pass).
 */
export class PassOrder {
  private readonly buf: Uint32Array;
  private cachedPass = -1;

  constructor(
    readonly size: number,
    readonly seed: number,
    readonly shuffle: boolean,
    readonly stream: number = SHUFFLE_STREAM,
  ) {
    this.buf = new Uint32Array(size);
  }

  /** The order of `pass` (a view that stays valid until another pass is asked for). */
  of(pass: number): Uint32Array {
    if (pass !== this.cachedPass) {
      if (this.shuffle) permutation(this.size, this.seed, pass, this.buf, this.stream);
      else if (this.cachedPass < 0) identityOrder(this.size, this.buf);
      this.cachedPass = pass;
    }
    return this.buf;
  }
}
