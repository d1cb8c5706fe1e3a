/** The fast Conv2DBackpropFilter against tfjs's built-in cpu kernel, on cpu and wasm. */
import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@syncline/core';
import { selectTfjsBackend } from '../runtime/select-backend';
import { silentLogger } from '../runtime/logger';
import { CONV2D_BACKPROP_FILTER, hasFastConv2DBackpropFilter, registerFastConv2DBackpropFilter } from './register-conv2d-backprop-filter';

type Pad = 'same' | 'valid' | number;
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}
const CASES: Case[] = [
  { x: [2, 5, 5, 3], f: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [2, 6, 6, 2], f: [3, 3, 2, 3], strides: [2, 2], pad: 'same' },
  { x: [1, 7, 5, 2], f: [2, 3, 2, 2], strides: [2, 1], pad: 'same' },
  { x: [3, 8, 8, 1], f: [3, 3, 1, 5], strides: [2, 2], pad: 'valid' },
  { x: [2, 5, 5, 3], f: [1, 1, 3, 2], strides: [2, 2], pad: 'same' },
  { x: [2, 6, 7, 4], f: [4, 2, 4, 3], strides: [1, 3], pad: 'valid' },
  { x: [2, 6, 6, 2], f: [3, 3, 2, 2], strides: [2, 2], pad: 1 },
  { x: [4, 12, 12, 8], f: [5, 5, 8, 6], strides: [2, 2], pad: 'same' },
];
const MAX_ABS_DIFF = 1e-4;

function random(shape: number[], seed: number): tf.Tensor {
  const prng = new Xoshiro128(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => prng.nextFloat24() * 2 - 1),
    shape,
  );
}

function backpropFilter(c: Case, x: tf.Tensor, dy: tf.Tensor): Float32Array {
  const out = tf.engine().runKernel(
    CONV2D_BACKPROP_FILTER,
    { x, dy },
    {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      filterShape: c.f,
    },
  ) as tf.Tensor;
  expect(out.shape).toEqual(c.f);
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return Float32Array.from(values);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('fast Conv2DBackpropFilter', () => {
  it('matches the built-in cpu kernel on cpu and wasm (strides 1-3, same/valid/explicit padding)', async () => {
    const builtin = tf.getKernel(CONV2D_BACKPROP_FILTER, 'cpu');
    expect(builtin).toBeDefined();
    await tf.setBackend('cpu');
    const inputs = CASES.map((c, i) => {
      const x = random(c.x, 10 + i);
      const filter = tf.zeros(c.f) as tf.Tensor4D;
      const y = tf.conv2d(x as tf.Tensor4D, filter, c.strides, c.pad);
      const dy = random(y.shape, 100 + i);
      const row = { x: Float32Array.from(x.dataSync()), dy: Float32Array.from(dy.dataSync()), dyShape: dy.shape, reference: backpropFilter(c, x, dy) };
      tf.dispose([x, filter, y, dy]);
      return row;
    });
    await selectTfjsBackend({ candidates: ['cpu'], logger: silentLogger }); // registers ours on cpu
    expect(hasFastConv2DBackpropFilter('cpu')).toBe(true);
    const check = (label: string) =>
      CASES.forEach((c, i) => {
        const { x, dy, dyShape, reference } = inputs[i]!;
        const xt = tf.tensor(x, c.x);
        const dyt = tf.tensor(dy, dyShape);
        const diff = maxAbsDiff(backpropFilter(c, xt, dyt), reference);
        tf.dispose([xt, dyt]);
        if (!(diff <= MAX_ABS_DIFF)) throw new Error(`${label} case ${i} ${JSON.stringify(c)}: max abs diff ${diff}`);
      });
    check('cpu');
    await selectTfjsBackend({ candidates: ['wasm'], logger: silentLogger });
    expect(tf.getBackend()).toBe('wasm');
    expect(hasFastConv2DBackpropFilter('wasm')).toBe(true);
    const before = tf.memory().numTensors;
    check('wasm');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns the kernel it replaced, and does not clobber on re-registration', () => {
    tf.unregisterKernel(CONV2D_BACKPROP_FILTER, 'cpu');
    const fake = { kernelName: CONV2D_BACKPROP_FILTER, backendName: 'cpu', kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' as const }) };
    tf.registerKernel(fake);
    const first = registerFastConv2DBackpropFilter('cpu');
    expect(first.changed).toBe(true);
    expect(first.replaced?.kernelFunc).toBe(fake.kernelFunc);
    expect(registerFastConv2DBackpropFilter('cpu')).toEqual({ changed: false, replaced: undefined });
    expect(registerFastConv2DBackpropFilter('wasm')).toEqual({ changed: false, replaced: undefined });
  });
});
