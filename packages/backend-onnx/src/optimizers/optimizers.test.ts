/**
 * Flat optimizers against tfjs-core 4.22's own optimizers (cpu backend) on random weights
 * and gradients over several steps: same formulas and defaults, so the updated weights
 * agree to float32 rounding (max abs diff <= 1e-6). tfjs is a root dev dependency used
 * only by this test, as the reference implementation.
 */
import * as tf from '@tensorflow/tfjs';
import { optimizerSpecSchema, type OptimizerSpec } from '@syncline/core';
import { seededUniform } from '../../tests/helpers/grad-check';
import { createFlatOptimizer } from './create-optimizer';

const SIZE = 257;
const STEPS = 5;

function tfjsOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.name) {
    case 'adam':
      return tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon);
    case 'sgd':
      return tf.train.sgd(spec.learningRate);
    case 'momentum':
      return tf.train.momentum(spec.learningRate, spec.momentum, spec.nesterov);
    case 'rmsprop':
      return tf.train.rmsprop(spec.learningRate, spec.rho, spec.momentum, spec.epsilon);
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('flat optimizers match tfjs-core', () => {
  it.each([
    { name: 'adam' },
    { name: 'adam', learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-5 },
    { name: 'sgd' },
    { name: 'momentum' },
    { name: 'momentum', nesterov: true, momentum: 0.5 },
    { name: 'rmsprop' },
    { name: 'rmsprop', momentum: 0.9, rho: 0.8 },
  ])('%o', async (input) => {
    const spec = optimizerSpecSchema.parse(input);
    const w0 = seededUniform(SIZE, 1);
    const flat = w0.slice();
    const opt = createFlatOptimizer(spec, SIZE);
    const ref = tfjsOptimizer(spec);
    const v = tf.variable(tf.tensor1d(w0), true, `w_${Math.random()}`);
    for (let s = 0; s < STEPS; s++) {
      const g = seededUniform(SIZE, 100 + s);
      opt.apply(flat, g);
      ref.applyGradients({ [v.name]: tf.tensor1d(g) });
    }
    const expected = v.dataSync() as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < SIZE; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i]! - flat[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(opt.exportState().step).toBe(STEPS);
    v.dispose();
    ref.dispose();
  });
});
