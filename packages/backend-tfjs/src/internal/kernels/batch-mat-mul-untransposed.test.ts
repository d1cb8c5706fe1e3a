/** The untransposing BatchMatMul wrapper gives tfjs's results for every transpose combination. */
import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@syncline/core';
import { silentLogger } from '../runtime/logger';
import { selectTfjsBackend } from '../runtime/select-backend';
import { hasUntransposedBatchMatMul, registerUntransposedBatchMatMul } from './register-batch-mat-mul';

function random(shape: number[], seed: number): tf.Tensor {
  const prng = new Xoshiro128(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => prng.nextFloat24() * 2 - 1),
    shape,
  );
}

const CASES: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [7, 5], b: [7, 3], ta: true, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [2, 7, 5], b: [2, 7, 4], ta: true, tb: false },
  { a: [64, 40], b: [64, 16], ta: true, tb: false },
];

describe('untransposed BatchMatMul (wasm)', () => {
  it('matches the cpu backend for every transpose combination and leaks nothing', async () => {
    await tf.setBackend('cpu');
    const expected = CASES.map((c, i) => tf.tidy(() => Float32Array.from(tf.matMul(random(c.a, i), random(c.b, 20 + i), c.ta, c.tb).dataSync())));
    await selectTfjsBackend({ candidates: ['wasm'], logger: silentLogger });
    expect(hasUntransposedBatchMatMul('wasm')).toBe(true);
    expect(registerUntransposedBatchMatMul('wasm')).toEqual({ changed: false, replaced: undefined });
    const before = tf.memory().numTensors;
    CASES.forEach((c, i) => {
      const got = tf.tidy(() => tf.matMul(random(c.a, i), random(c.b, 20 + i), c.ta, c.tb).dataSync());
      let diff = 0;
      for (let k = 0; k < got.length; k++) diff = Math.max(diff, Math.abs(got[k]! - expected[i]![k]!));
      expect(diff).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
