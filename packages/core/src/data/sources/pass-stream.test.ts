/**
 * One pass of the stream (file order, interleave, shuffle buffer) over in-memory files:
 * every record exactly once, a pure function of (seed, pass), reshuffled per pass, and
 * with no buffer and no shuffle the files' own order.
 */
import fc from 'fast-check';
import { passFileOrder, passRecords, type PassConfig } from './pass-stream';
import type { RawRecord } from './record-format';

/** File f holds records f*1000 + i, handed out in batches of 3. */
function files(sizes: readonly number[]): (f: number) => AsyncIterable<readonly RawRecord[]> {
  return (f) => ({
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < sizes[f]!; i += 3) yield Array.from({ length: Math.min(3, sizes[f]! - i) }, (_, k) => ({ data: f * 1000 + i + k, line: i + k }));
    },
  });
}

async function pass(sizes: readonly number[], p: number, cfg: PassConfig): Promise<number[]> {
  const out: number[] = [];
  for await (const b of passRecords(
    sizes.map((_, i) => i),
    p,
    cfg,
    files(sizes),
  ))
    for (const r of b) out.push(r.raw.data as number);
  return out;
}

const arb = fc.record({
  sizes: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 7 }),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  shuffleBuffer: fc.integer({ min: 1, max: 50 }),
  cycleLength: fc.integer({ min: 1, max: 5 }),
});

describe('passRecords', () => {
  it('emits every record of every file exactly once, the same for the same (seed, pass)', async () => {
    await fc.assert(
      fc.asyncProperty(arb, fc.nat(5), async (a, p) => {
        const cfg = { ...a, shuffle: true };
        const got = await pass(a.sizes, p, cfg);
        const all = a.sizes.flatMap((n, f) => Array.from({ length: n }, (_, i) => f * 1000 + i));
        expect([...got].sort((x, y) => x - y)).toEqual(all);
        expect(await pass(a.sizes, p, cfg)).toEqual(got);
      }),
      { numRuns: 200 },
    );
  });

  it('reshuffles each pass: file order and record order change with the pass', async () => {
    const cfg = { seed: 7, shuffle: true, shuffleBuffer: 100, cycleLength: 2 };
    const sizes = [20, 20, 20, 20, 20];
    expect(await pass(sizes, 1, cfg)).not.toEqual(await pass(sizes, 0, cfg));
    const orders = new Set([0, 1, 2, 3, 4, 5].map((p) => passFileOrder([0, 1, 2, 3, 4], p, cfg).join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('without shuffle reads the files in listing order, interleaved record by record', async () => {
    const got = await pass([2, 3, 1], 4, { seed: 1, shuffle: false, shuffleBuffer: 10, cycleLength: 2 });
    expect(got).toEqual([0, 1000, 1, 1001, 2000, 1002]);
  });
});
