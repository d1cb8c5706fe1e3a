import fc from 'fast-check';
import { ShapeMismatchError } from '@syncline/core';
import { inProcessCommunicatorGroup } from '@syncline/core/testing';
import { createSharedMemoryGroup } from '../shared-memory/shared-memory-group';
import { attachSharedMemory } from '../shared-memory/shared-memory-communicator';
import { planBuckets } from './bucket-plan';
import { FusedAllReduce } from './fused-all-reduce';
import { fromHalf, toHalf } from './fp16';
import { allReduceFp16, FP16_UNIT_ROUNDOFF } from './fp16-all-reduce';

const group = (n: number) => {
  const g = createSharedMemoryGroup(n, { timeoutMs: 10_000 });
  return Array.from({ length: n }, (_, r) => attachSharedMemory(g.descriptor, r, { blocking: false }));
};

describe('planBuckets', () => {
  it('packs consecutive tensors up to bytesPerPack and gives oversized tensors their own bucket', () => {
    const b = planBuckets([10, 10, 30, 5, 100, 1], 40 * 4);
    expect(b.map((x) => [x.first, x.last, x.length])).toEqual([
      [0, 2, 20],
      [2, 4, 35],
      [4, 5, 100],
      [5, 6, 1],
    ]);
    expect(b[1]!.offsets).toEqual([0, 30]);
  });
  it('covers every tensor exactly once, in order, never exceeding the pack unless alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }), fc.integer({ min: 1, max: 60 }), (lengths, cap) => {
        const b = planBuckets(lengths, cap * 4);
        expect(b.flatMap((x) => Array.from({ length: x.last - x.first }, (_, i) => x.first + i))).toEqual(lengths.map((_, i) => i));
        for (const x of b) if (x.last - x.first > 1) expect(x.length).toBeLessThanOrEqual(cap);
      }),
    );
  });
});

describe('fp16', () => {
  it('round-trips every binary16 value exactly and rounds float32 to nearest', () => {
    const bad: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const x = fromHalf(h);
      if (!Number.isNaN(x) && toHalf(x) !== h) bad.push(h);
    }
    expect(bad).toEqual([]);
    expect(fromHalf(toHalf(1 + 2 ** -12))).toBe(1);
    expect(fromHalf(toHalf(70000))).toBe(Infinity);
  });
  it('relative rounding error is at most 2^-11 in the normal range', () => {
    fc.assert(
      fc.property(fc.float({ min: Math.fround(6.2e-5), max: 65000, noNaN: true }), (x) => {
        expect(Math.abs(fromHalf(toHalf(x)) - x)).toBeLessThanOrEqual(FP16_UNIT_ROUNDOFF * Math.abs(x));
      }),
    );
  });
});

describe('fused and fp16 all-reduce over shared memory', () => {
  it('FusedAllReduce gives the same sums as one allReduce per tensor', async () => {
    const comms = group(3);
    const lengths = [5, 100, 3, 4000, 7];
    const make = (r: number) => lengths.map((l, t) => Float32Array.from({ length: l }, (_, i) => (r + 1) * (t + 1) + (i % 7)));
    const fused = comms.map((c) => new FusedAllReduce(c, lengths, { bytesPerPack: 512 }));
    const ts = comms.map((_, r) => make(r));
    await Promise.all(fused.map((f, r) => f.allReduce(ts[r]!, 'sum')));
    const orig = [0, 1, 2].map(make);
    const want = orig[0]!.map((t, k) => t.map((_, i) => orig.reduce((s, o) => s + o[k]![i]!, 0)));
    for (const t of ts) expect(t.map((x) => Array.from(x))).toEqual(want.map((x) => Array.from(x)));
    expect(fused[0]!.buckets.length).toBeGreaterThan(1);
    await expect(fused[0]!.allReduce([new Float32Array(1)], 'sum')).rejects.toBeInstanceOf(ShapeMismatchError);
    await inProcessCommunicatorGroup(comms).close();
  });

  it('fp16 compression stays within the documented bound and is identical on every rank', async () => {
    const n = 4;
    const comms = group(n);
    const L = 10_000;
    const inputs = comms.map((_, r) => Float32Array.from({ length: L }, (_, i) => Math.sin(i * 0.37 + r) * 100 * (1 + r)));
    const bufs = inputs.map((x) => Float32Array.from(x));
    await Promise.all(comms.map((c, r) => allReduceFp16(c, bufs[r]!, 'sum')));
    let worst = 0;
    let differing = 0;
    for (let i = 0; i < L; i++) {
      let exact = 0;
      let mag = 0;
      for (const x of inputs) {
        exact += x[i]!;
        mag += Math.abs(x[i]!);
      }
      const bound = FP16_UNIT_ROUNDOFF * mag + n * 2 ** -24 * (mag + 1);
      worst = Math.max(worst, Math.abs(bufs[0]![i]! - exact) / bound);
      for (let r = 1; r < n; r++) if (bufs[r]![i] !== bufs[0]![i]) differing++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(worst).toBeGreaterThan(0.01); // the rounding really happened
    expect(differing).toBe(0);
    await inProcessCommunicatorGroup(comms).close();
  });
});
