import fc from 'fast-check';
import { deriveSeed, fmix32, Xoshiro128 } from './prng';

describe('Xoshiro128 (xoshiro128** seeded by splitmix32)', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const sa = Array.from({ length: 16 }, () => a.nextUint32());
    const sb = Array.from({ length: 16 }, () => b.nextUint32());
    const sc = Array.from({ length: 16 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    for (const v of sa) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });

  it('reseed restarts the sequence without allocating a new generator', () => {
    const g = new Xoshiro128(7);
    const first = [g.nextUint32(), g.nextUint32()];
    g.reseed(7);
    expect([g.nextUint32(), g.nextUint32()]).toEqual(first);
  });

  it('nextBelow stays in range for small and large n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 2 ** 40 }), (seed, n) => {
        const g = new Xoshiro128(seed);
        for (let i = 0; i < 20; i++) {
          const v = g.nextBelow(n);
          if (!(Number.isInteger(v) && v >= 0 && v < n)) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('nextBelow is close to uniform (chi-square over 10 buckets, fixed seed)', () => {
    const g = new Xoshiro128(2024);
    const counts = new Array<number>(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[g.nextBelow(10)]!++;
    const expected = draws / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88); // p = 0.001 for 9 degrees of freedom
  });

  it('nextFloat is in [0, 1) and rejects bad nextBelow arguments', () => {
    const g = new Xoshiro128(1);
    for (let i = 0; i < 1000; i++) {
      const f = g.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(() => g.nextBelow(0)).toThrow(RangeError);
    expect(() => g.nextBelow(2.5)).toThrow(RangeError);
  });
});

describe('deriveSeed', () => {
  it('is deterministic and separates passes and streams', () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    const seen = new Set<number>();
    for (let pass = 0; pass < 200; pass++) for (let stream = 0; stream < 5; stream++) seen.add(deriveSeed(99, pass, stream));
    expect(seen.size).toBe(1000);
    expect(deriveSeed(5, 1, 2)).not.toBe(deriveSeed(5, 2, 1));
  });

  it('distinguishes passes beyond 2^32', () => {
    expect(deriveSeed(0, 2 ** 32)).not.toBe(deriveSeed(0, 0));
  });

  it('fmix32 is a bijection on a sample (no collisions) and maps to uint32', () => {
    const out = new Set<number>();
    for (let i = 0; i < 50_000; i++) out.add(fmix32(i));
    expect(out.size).toBe(50_000);
    expect(fmix32(0xffffffff)).toBeGreaterThanOrEqual(0);
  });
});
