/** The fast wasm MaxPoolGrad against tfjs's cpu kernel, including ties, overlapping windows and padding. */
import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@syncline/core';
import { silentLogger } from '../runtime/logger';
import { selectTfjsBackend } from '../runtime/select-backend';
import { MAX_POOL_GRAD, hasFastMaxPoolGrad, registerFastMaxPoolGrad } from './register-max-pool-grad';

interface Case {
  x: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  /** Quantise inputs to this many levels to force ties (0: continuous). */
  levels: number;
}
const CASES: Case[] = [
  { x: [2, 8, 8, 3], pool: [2, 2], strides: [2, 2], pad: 'valid', levels: 0 },
  { x: [2, 7, 7, 3], pool: [2, 2], strides: [2, 2], pad: 'valid', levels: 0 },
  { x: [2, 7, 7, 3], pool: [2, 2], strides: [2, 2], pad: 'same', levels: 0 },
  { x: [2, 9, 6, 2], pool: [3, 3], strides: [2, 1], pad: 'same', levels: 0 },
  { x: [2, 8, 8, 4], pool: [3, 3], strides: [1, 1], pad: 'valid', levels: 3 },
  { x: [3, 6, 6, 5], pool: [2, 2], strides: [2, 2], pad: 'valid', levels: 2 },
  { x: [4, 26, 26, 8], pool: [2, 2], strides: [2, 2], pad: 'valid', levels: 0 },
];

function values(n: number, seed: number, levels: number): Float32Array {
  const p = new Xoshiro128(seed);
  return Float32Array.from({ length: n }, () => {
    const v = p.nextFloat24();
    return levels > 0 ? Math.floor(v * levels) : v * 2 - 1;
  });
}

function grad(c: Case, x: Float32Array, dy: Float32Array, dyShape: number[]): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const y = tf.maxPool(xt, c.pool, c.strides, c.pad);
    const out = tf.engine().runKernel(
      MAX_POOL_GRAD,
      { dy: tf.tensor(dy, dyShape), input: xt, output: y },
      {
        filterSize: c.pool,
        strides: c.strides,
        pad: c.pad,
      },
    ) as tf.Tensor;
    return Float32Array.from(out.dataSync());
  });
}

describe('fast MaxPoolGrad (wasm)', () => {
  it('matches the cpu kernel bit for bit in where gradients go, ties included', async () => {
    await tf.setBackend('cpu');
    const rows = CASES.map((c, i) => {
      const x = values(
        c.x.reduce((a, b) => a * b, 1),
        i,
        c.levels,
      );
      const dyShape = tf.tidy(() => tf.maxPool(tf.tensor4d(x, c.x), c.pool, c.strides, c.pad).shape);
      const dy = values(
        dyShape.reduce((a, b) => a * b, 1),
        100 + i,
        0,
      );
      return { x, dy, dyShape, reference: grad(c, x, dy, dyShape) };
    });
    await selectTfjsBackend({ candidates: ['wasm'], logger: silentLogger });
    expect(hasFastMaxPoolGrad()).toBe(true);
    expect(registerFastMaxPoolGrad()).toEqual({ changed: false, replaced: undefined });
    const before = tf.memory().numTensors;
    CASES.forEach((c, i) => {
      const { x, dy, dyShape, reference } = rows[i]!;
      const got = grad(c, x, dy, dyShape);
      let diff = 0;
      for (let k = 0; k < got.length; k++) diff = Math.max(diff, Math.abs(got[k]! - reference[k]!));
      if (!(diff <= 1e-6)) throw new Error(`case ${i} ${JSON.stringify(c)}: max abs diff ${diff}`);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
