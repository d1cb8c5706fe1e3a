/**
 * MaxPool (MaxUnpool path and overlapping ScatterElements path), AveragePool (with and
 * without padding) and GlobalAveragePool gradients vs central finite differences.
 * MaxPool inputs are a shuffled grid of distinct values 0.01 apart so eps = 1e-3 never
 * changes a window's argmax. Tied maxima (flat image regions) share the window's gradient.
 */
import { gradCheck, gradientOf, seededUniform } from '../../../tests/helpers/grad-check';

const TOL = 1e-2;

function distinct(n: number, seed: number): Float32Array {
  const order = seededUniform(n, seed);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => order[a]! - order[b]!);
  const out = new Float32Array(n);
  idx.forEach((pos, rank) => (out[pos] = (rank - n / 2) * 0.01));
  return out;
}

describe('pooling gradient rules', () => {
  it.each([
    { name: '2x2 stride 2', k: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], h: 6, w: 7 },
    { name: '3x3 stride 2 overlapping', k: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], h: 7, w: 7 },
    { name: '2x2 stride 2 padded (same)', k: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], h: 5, w: 5 },
    { name: '3x3 stride 1 padded', k: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], h: 4, w: 5 },
  ])('MaxPool $name', async ({ k, strides, pads, h, w }) => {
    const res = await gradCheck(
      [{ name: 'X', shape: [2, 3, h, w], data: distinct(6 * h * w, h + w) }],
      (b) => b.op('MaxPool', ['X'], { kernel_shape: k, strides, pads }),
      { samples: 40 },
    );
    expect(res.gradShapes.X).toEqual([2, 3, h, w]);
    expect(res.relErr.X).toBeLessThanOrEqual(TOL);
  });

  it('MaxPool 2x2 stride 2: tied maxima share the gradient (it sums to g per window)', async () => {
    // windows: all four tied; two tied; one max; a tie below a larger max
    const x = Float32Array.from([5, 5, 1, 2, 3, 0, 9, 9, 5, 5, 0, 7, 1, 1, 2, 4]);
    const g = await gradientOf(
      [{ name: 'X', shape: [1, 1, 2, 8], data: x }],
      (b) => b.op('MaxPool', ['X'], { kernel_shape: [2, 2], strides: [2, 2] }),
      Float32Array.from([4, 2, 1, 8]),
    );
    expect(Array.from(g.X!)).toEqual([1, 1, 0, 0, 1, 0, 4, 4, 1, 1, 0, 2, 0, 0, 0, 0]);
  });

  it.each([
    { name: '2x2 stride 2', k: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], h: 6, w: 7, cip: 0 },
    { name: '3x3 stride 2 padded, pads excluded', k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], h: 7, w: 6, cip: 0 },
    { name: '3x3 stride 1 padded, pads included', k: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], h: 5, w: 5, cip: 1 },
  ])('AveragePool $name', async ({ k, strides, pads, h, w, cip }) => {
    const res = await gradCheck(
      [{ name: 'X', shape: [2, 3, h, w], data: seededUniform(6 * h * w, 51) }],
      (b) => b.op('AveragePool', ['X'], { kernel_shape: k, strides, pads, count_include_pad: cip }),
      { samples: 40 },
    );
    expect(res.relErr.X).toBeLessThanOrEqual(TOL);
  });

  it('GlobalAveragePool', async () => {
    const res = await gradCheck([{ name: 'X', shape: [2, 3, 4, 5], data: seededUniform(120, 61) }], (b) => b.op('GlobalAveragePool', ['X']));
    expect(res.relErr.X).toBeLessThanOrEqual(TOL);
  });
});
