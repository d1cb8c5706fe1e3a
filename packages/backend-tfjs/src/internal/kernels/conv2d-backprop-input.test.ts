/** The fast Conv2DBackpropInput against tfjs's built-in cpu kernel, run on wasm and on cpu. */
import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@syncline/core';
import { silentLogger } from '../runtime/logger';
import { selectTfjsBackend } from '../runtime/select-backend';
import { fastConv2DBackpropInput } from './conv2d-backprop-input';
import { CONV2D_BACKPROP_INPUT, hasFastConv2DBackpropInput, registerFastConv2DBackpropInput } from './register-conv2d-backprop-input';

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
  { x: [2, 7, 7, 2], f: [3, 3, 2, 3], strides: [2, 2], pad: 'same' },
  { x: [1, 7, 5, 2], f: [2, 3, 2, 2], strides: [2, 1], pad: 'same' },
  { x: [3, 8, 8, 1], f: [3, 3, 1, 5], strides: [2, 2], pad: 'valid' },
  { x: [2, 5, 5, 3], f: [1, 1, 3, 2], strides: [2, 2], pad: 'same' },
  { x: [2, 6, 7, 4], f: [4, 2, 4, 3], strides: [1, 3], pad: 'valid' },
  { x: [2, 6, 6, 2], f: [3, 3, 2, 2], strides: [2, 2], pad: 1 },
  { x: [2, 9, 9, 3], f: [4, 4, 3, 2], strides: [3, 3], pad: 'same' },
  { x: [4, 13, 13, 8], f: [3, 3, 8, 6], strides: [1, 1], pad: 'same' },
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

function backpropInput(c: Case, dy: tf.Tensor, filter: tf.Tensor): Float32Array {
  const out = tf.engine().runKernel(
    CONV2D_BACKPROP_INPUT,
    { dy, filter },
    {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      inputShape: c.x,
    },
  ) as tf.Tensor;
  expect(out.shape).toEqual(c.x);
  const values = Float32Array.from(out.dataSync());
  out.dispose();
  return values;
}

describe('fast Conv2DBackpropInput', () => {
  it('matches the built-in cpu kernel on wasm and cpu (strides 1-3, same/valid/explicit padding)', async () => {
    await tf.setBackend('cpu');
    expect(tf.getKernel(CONV2D_BACKPROP_INPUT, 'cpu')?.kernelFunc).not.toBe(fastConv2DBackpropInput);
    const inputs = CASES.map((c, i) => {
      const x = random(c.x, 10 + i) as tf.Tensor4D;
      const filter = random(c.f, 50 + i) as tf.Tensor4D;
      const y = tf.conv2d(x, filter, c.strides, c.pad);
      const dy = random(y.shape, 100 + i);
      const row = {
        dy: Float32Array.from(dy.dataSync()),
        dyShape: dy.shape,
        filter: Float32Array.from(filter.dataSync()),
        reference: backpropInput(c, dy, filter),
      };
      tf.dispose([x, filter, y, dy]);
      return row;
    });
    const check = (label: string) =>
      CASES.forEach((c, i) => {
        const { dy, dyShape, filter, reference } = inputs[i]!;
        const dyt = tf.tensor(dy, dyShape);
        const ft = tf.tensor(filter, c.f);
        const got = backpropInput(c, dyt, ft);
        tf.dispose([dyt, ft]);
        let diff = 0;
        for (let k = 0; k < got.length; k++) diff = Math.max(diff, Math.abs(got[k]! - reference[k]!));
        if (!(diff <= MAX_ABS_DIFF)) throw new Error(`${label} case ${i} ${JSON.stringify(c)}: max abs diff ${diff}`);
      });
    await selectTfjsBackend({ candidates: ['wasm'], logger: silentLogger });
    expect(hasFastConv2DBackpropInput('wasm')).toBe(true);
    const before = tf.memory().numTensors;
    check('wasm');
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    expect(registerFastConv2DBackpropInput('cpu').changed).toBe(true);
    check('cpu');
    expect(registerFastConv2DBackpropInput('cpu')).toEqual({ changed: false, replaced: undefined });
  });
});
