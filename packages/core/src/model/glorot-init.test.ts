/** Seeded Glorot-uniform initialisation: deterministic, bounded, independent per entry, pinned bit for bit. */
import type { WeightLayout } from '../contracts/weight-layout';
import { mixSeed, Xoshiro128 } from '../random/prng';
import { glorotLimit, glorotUniformInit, initialWeightsForSpec } from './glorot-init';
import { presetModelSpec } from './presets';
import { weightLayoutOf } from './weight-layout-of';

describe('Xoshiro128.nextFloat24 and mixSeed (the init and dropout streams)', () => {
  it('is deterministic per seed and yields floats in [0, 1)', () => {
    const a = new Xoshiro128(7);
    const b = new Xoshiro128(7);
    const c = new Xoshiro128(8);
    const xs = Array.from({ length: 1000 }, () => a.nextFloat24());
    expect(Array.from({ length: 1000 }, () => b.nextFloat24())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c.nextFloat24())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('mixSeed separates streams and key order', () => {
    expect(mixSeed(1, 2, 3)).not.toBe(mixSeed(1, 3, 2));
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 2));
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
  });

  it('reproduces the streams every backend was built on, bit for bit', () => {
    // Values of the generator the tfjs and onnx backends shipped with before it moved here.
    const p = new Xoshiro128(mixSeed(7, 0xd4, 1, 2));
    expect([mixSeed(7, 0xd4, 1, 2), p.nextUint32(), p.nextFloat24(), p.nextFloat24()]).toEqual([
      197381205, 693494639, 0.06618767976760864, 0.38155579566955566,
    ]);
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
      expect(Math.abs(variance / ((limit * limit) / 3) - 1)).toBeLessThan(0.15);
    }
    // Keras: Dense 784x128 limit sqrt(6 / 912); conv 3x3x1x32 fanIn 9, fanOut 288.
    expect(glorotLimit([3, 3, 1, 32])).toBeCloseTo(Math.sqrt(6 / (9 + 288)), 12);
  });

  it('is a pure function of (layout, seed); entries do not depend on earlier sizes', () => {
    expect(Array.from(initialWeightsForSpec(spec, 5))).toEqual(Array.from(glorotUniformInit(layout, 5)));
    expect(initialWeightsForSpec(spec, 5).some((v, i) => v !== initialWeightsForSpec(spec, 6)[i])).toBe(true);
    const a: WeightLayout = {
      totalSize: 20,
      entries: [
        { name: 'a/kernel', shape: [2, 5], offset: 0, size: 10, trainable: true },
        { name: 'b/kernel', shape: [5, 2], offset: 10, size: 10, trainable: true },
      ],
    };
    const b: WeightLayout = {
      totalSize: 22,
      entries: [
        { name: 'a/kernel', shape: [2, 6], offset: 0, size: 12, trainable: true },
        { name: 'b/kernel', shape: [5, 2], offset: 12, size: 10, trainable: true },
      ],
    };
    expect(Array.from(glorotUniformInit(a, 9).subarray(10))).toEqual(Array.from(glorotUniformInit(b, 9).subarray(12)));
  });

  it('gives the CNN the same initial weights as before, bit for bit (checkpoints and parity tests rely on it)', () => {
    const w = glorotUniformInit(layout, 1);
    expect(w.length).toBe(225034);
    const picks = [0, 1, 287, 320, 50000, 225023].map((i) => [i, w[i]]);
    expect(picks).toEqual([
      [0, 0.014314893633127213],
      [1, -0.08340413123369217],
      [287, 0.03375579044222832],
      [320, 0.00013652443885803223],
      [50000, 0.0021351873874664307],
      [225023, 0.19251447916030884],
    ]);
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(11.259910213877534, 9);
    const golden7: Record<string, number[]> = {
      'conv2d_0/kernel': [-0.034879885613918304, -0.04208070784807205, -0.12207045406103134],
      'conv2d_1/kernel': [-0.009370733983814716, -0.020438900217413902, -0.03708070516586304],
      'dense_0/kernel': [0.044206418097019196, -0.040857043117284775, 0.04183187708258629],
      'dense_1/kernel': [-0.17370766401290894, 0.10889015346765518, 0.11737854778766632],
    };
    const w7 = glorotUniformInit(layout, 7);
    for (const [name, first] of Object.entries(golden7)) {
      const e = layout.entries.find((x) => x.name === name)!;
      expect(Array.from(w7.subarray(e.offset, e.offset + 3))).toEqual(first);
    }
  });
});
