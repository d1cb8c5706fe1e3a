import fc from 'fast-check';
import { identityOrder, PassOrder, permutation } from './shuffle';

const isPermutation = (p: Uint32Array): boolean => {
  const seen = new Uint8Array(p.length);
  for (const v of p) {
    if (v >= p.length || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
};

describe('permutation(n, seed, pass)', () => {
  it('is a permutation of 0..n-1, the same for the same (seed, pass)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 0xffffffff }), fc.nat(1000), (n, seed, pass) => {
        const a = permutation(n, seed, pass);
        const b = permutation(n, seed, pass);
        return isPermutation(a) && a.every((v, i) => v === b[i]);
      }),
      { numRuns: 100 },
    );
  });

  it('differs between passes and between seeds', () => {
    const n = 1000;
    const p0 = permutation(n, 1, 0);
    expect(permutation(n, 1, 1)).not.toEqual(p0);
    expect(permutation(n, 2, 0)).not.toEqual(p0);
  });

  it('reuses the output buffer when its length fits', () => {
    const buf = new Uint32Array(50);
    expect(permutation(50, 3, 0, buf)).toBe(buf);
    expect(permutation(49, 3, 0, buf)).not.toBe(buf);
  });

  it('puts every element at every position about equally often (n = 4)', () => {
    const counts = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    const runs = 8000;
    for (let pass = 0; pass < runs; pass++) {
      const p = permutation(4, 11, pass);
      p.forEach((v, i) => counts[i]![v]!++);
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c - runs / 4)).toBeLessThan((runs / 4) * 0.1);
  });

  it('rejects a bad size', () => {
    expect(() => permutation(-1, 0, 0)).toThrow(RangeError);
    expect(() => permutation(1.5, 0, 0)).toThrow(RangeError);
  });
});

describe('PassOrder', () => {
  it('returns the pass permutation and recomputes only on a pass change', () => {
    const o = new PassOrder(100, 9, true);
    expect([...o.of(3)]).toEqual([...permutation(100, 9, 3)]);
    expect([...o.of(4)]).toEqual([...permutation(100, 9, 4)]);
    const off = new PassOrder(10, 9, false);
    expect([...off.of(0)]).toEqual([...identityOrder(10)]);
    expect([...off.of(7)]).toEqual([...identityOrder(10)]);
  });
});
