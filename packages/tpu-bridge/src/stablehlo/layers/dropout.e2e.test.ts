// The dropout rule on the XLA CPU plugin: identity when not training or at rate 0; in
// training a mask that is fixed by (key, layer index), changes with either, keeps about
// 1 - rate of 12,800 units, scales kept units by 1 / (1 - rate), equals the documented
// fmix32 hash bit for bit (recomputed here with Math.imul), and is reused by the backward.
import { BackendError } from '@syncline/core';
import { createPjrtBackend, type PjrtBackend } from '../../backend/pjrt-backend';
import { describeWithPlugin } from '../../../tests/plugin';
import { layerShapes, randomTensor, runRule, type RuleRun } from '../../../tests/rule-harness';
import { Builder } from '../builder';
import { tensor } from '../tensor-type';
import { DROPOUT_BITS, DROPOUT_GOLDEN, DROPOUT_SALT_MUL, dropoutRule } from './dropout';

jest.setTimeout(120_000);
const SHAPE = [4, 50, 64];
const UNITS = 4 * 50 * 64;
const RATE = 0.3;

function fmix32(v: number): number {
  let h = v | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The keep decisions the rule documents, in JavaScript. */
function expectedKeep(key: number, salt: number, rate: number): boolean[] {
  const seed = fmix32(key ^ Math.imul(salt, DROPOUT_SALT_MUL));
  const threshold = Math.round((1 - rate) * 2 ** DROPOUT_BITS);
  return Array.from({ length: UNITS }, (_, i) => fmix32((Math.imul(i, DROPOUT_GOLDEN) + seed) | 0) >>> (32 - DROPOUT_BITS) < threshold);
}

describeWithPlugin('dropout rule (XLA CPU plugin)', () => {
  let backend: PjrtBackend;
  beforeAll(() => {
    backend = createPjrtBackend({ deviceCount: 1 });
  });
  afterAll(() => backend.close());

  // x in [0.5, 1.5) so y / x recovers the mask exactly
  const x = randomTensor(SHAPE, 1, 0.5, 1.5);
  const dy = randomTensor(SHAPE, 2);
  const run = (rate: number, training: boolean, key = 0, index = 0): Promise<RuleRun> => {
    const ls = { ...layerShapes(SHAPE.slice(1), { type: 'dropout', rate }), index };
    return runRule(backend.client(), dropoutRule, ls, x, [], dy, { training, key });
  };
  const maskOf = (r: RuleRun): Float32Array => r.y.map((v, i) => v / x.data[i]!);

  it('is the identity at rate 0 in training and at any rate outside training', async () => {
    for (const r of [await run(0, true, 5), await run(RATE, false)]) {
      expect(r.y).toEqual(x.data);
      expect(r.dx).toEqual(dy.data);
      expect(r.grads).toHaveLength(0);
    }
  });

  it('keeps about 1 - rate of the units, scaled by 1 / (1 - rate), by the documented hash; dx uses the same mask', async () => {
    const r = await run(RATE, true, 123, 2);
    const mask = maskOf(r);
    const scale = 1 / (1 - RATE);
    const keep = expectedKeep(123, 2, RATE);
    let kept = 0;
    mask.forEach((m, i) => {
      if (keep[i]) {
        kept++;
        expect(Math.abs(m - scale)).toBeLessThan(1e-5);
        expect(r.dx![i]).toBeCloseTo(dy.data[i]! * scale, 5);
      } else {
        expect(Math.abs(r.y[i]!)).toBe(0);
        expect(Math.abs(r.dx![i]!)).toBe(0);
      }
    });
    // the binomial standard deviation is 0.004 here; 0.02 is 5 of them
    expect(Math.abs(kept / UNITS - (1 - RATE))).toBeLessThan(0.02);
  });

  it('is deterministic for a key and changes with the key and with the layer', async () => {
    const a = maskOf(await run(RATE, true, 7, 1));
    const again = maskOf(await run(RATE, true, 7, 1));
    const otherKey = maskOf(await run(RATE, true, 8, 1));
    const otherLayer = maskOf(await run(RATE, true, 7, 3));
    expect(again).toEqual(a);
    // independent masks disagree on 2 p (1 - p) = 42% of units
    for (const other of [otherKey, otherLayer]) {
      const differ = a.filter((m, i) => (m === 0) !== (other[i] === 0)).length / UNITS;
      expect(differ).toBeGreaterThan(0.35);
      expect(differ).toBeLessThan(0.49);
    }
  });
});

describe('dropout rule without a key', () => {
  it('refuses to train without ctx.rngKey', () => {
    const b = new Builder();
    const ls = layerShapes([4], { type: 'dropout', rate: 0.5 });
    const x = { ref: '%arg0', type: tensor([2, 4]) };
    expect(() => dropoutRule(b, x, [], ls, { training: true, rngKey: null })).toThrow(BackendError);
  });
});
