/** Seeded PRNG and Glorot-uniform initialisation: deterministic, bounded, independent per entry. */
import type { WeightLayout } from '@syncline/core';
import { presetModelSpec, weightLayoutOf } from '@syncline/core';
import { glorotLimit, glorotUniformInit, initialWeightsForSpec } from './glorot-init';
import { Prng, mixSeed } from './prng';

describe('Prng', () => {
  it('is deterministic per seed and yields floats in [0, 1)', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const xs = Array.from({ length: 1000 }, () => a.nextFloat());
    expect(Array.from({ length: 1000 }, () => b.nextFloat())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c.nextFloat())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('mixSeed separates streams and key order', () => {
    expect(mixSeed(1, 2, 3)).not.toBe(mixSeed(1, 3, 2));
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 2));
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
  });
});

describe('glorotUniformInit', () => {
  const spec = presetModelSpec('cnn');
  const layout = weightLayoutOf(spec);

  it('draws kernels within the Glorot limit with the right spread, and zero biases', () => {
    const w = initialWeightsForSpec(spec, 3);
    for (const e of layout.entries) {
      const view = w.subarray(e.offset, e.offset + e.size);
      if (e.shape.length === 1) {
        expect(view.every((v) => v === 0)).toBe(true);
        continue;
      }
      const limit = glorotLimit(e.shape);
      expect(view.every((v) => Math.abs(v) <= limit)).toBe(true);
      // Uniform(-limit, limit) has variance limit^2 / 3.
      const variance = view.reduce((s, v) => s + v * v, 0) / view.length;
      expect(Math.abs(variance / (limit * limit / 3) - 1)).toBeLessThan(0.15);
    }
    // Keras: Dense 784x128 limit sqrt(6 / 912); conv 3x3x1x32 fanIn 9, fanOut 288.
    expect(glorotLimit([3, 3, 1, 32])).toBeCloseTo(Math.sqrt(6 / (9 + 288)), 12);
  });

  it('is a pure function of (layout, seed); entries do not depend on earlier sizes', () => {
    expect(Array.from(initialWeightsForSpec(spec, 5))).toEqual(Array.from(glorotUniformInit(layout, 5)));
    expect(initialWeightsForSpec(spec, 5).some((v, i) => v !== initialWeightsForSpec(spec, 6)[i])).toBe(true);
    const a: WeightLayout = { totalSize: 20, entries: [
      { name: 'a/kernel', shape: [2, 5], offset: 0, size: 10, trainable: true },
      { name: 'b/kernel', shape: [5, 2], offset: 10, size: 10, trainable: true },
    ] };
    const b: WeightLayout = { totalSize: 22, entries: [
      { name: 'a/kernel', shape: [2, 6], offset: 0, size: 12, trainable: true },
      { name: 'b/kernel', shape: [5, 2], offset: 12, size: 10, trainable: true },
    ] };
    expect(Array.from(glorotUniformInit(a, 9).subarray(10))).toEqual(Array.from(glorotUniformInit(b, 9).subarray(12)));
  });
});
