/** Core's flat optimizers (every backend's) against tfjs's own (tf.train.*) on the same gradients, and state handling. */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '@syncline/core';
import { InvalidConfigError, ShapeMismatchError } from '@syncline/core';
import { Xoshiro128 } from '@syncline/core';
import { createFlatOptimizer } from '@syncline/core';

const SIZE = 257;
const STEPS = 5;
const TOL = 2e-6;

function values(seed: number, scale = 1): Float32Array {
  const p = new Xoshiro128(seed);
  return Float32Array.from({ length: SIZE }, () => (p.nextFloat24() * 2 - 1) * scale);
}

function tfjsOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.name) {
    case 'sgd':
      return tf.train.sgd(spec.learningRate);
    case 'momentum':
      return tf.train.momentum(spec.learningRate, spec.momentum, spec.nesterov);
    case 'adam':
      return tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(spec.learningRate, spec.rho, spec.momentum, spec.epsilon, false);
    case 'adamw':
      throw new Error('tfjs has no AdamW to compare with (training-controls.test.ts checks it against the float64 reference)');
  }
}

const CASES: OptimizerSpec[] = [
  { name: 'sgd', learningRate: 0.05 },
  { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: false },
  { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true },
  { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  { name: 'adam', learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 0.05 },
  { name: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7 },
  { name: 'rmsprop', learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 0.05 },
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('flat optimizers use tfjs formulas', () => {
  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s matches tf.train', (_label, spec) => {
    const w0 = values(1);
    const ours = w0.slice();
    const flat = createFlatOptimizer(spec, SIZE);
    const v = tf.variable(tf.tensor1d(w0), true, `opt_${Math.random()}`);
    const theirs = tfjsOptimizer(spec);
    for (let s = 0; s < STEPS; s++) {
      const g = values(10 + s, s % 2 ? 0.01 : 1);
      flat.apply(ours, g);
      tf.tidy(() => theirs.applyGradients({ [v.name]: tf.tensor1d(g) }));
    }
    const expected = v.dataSync();
    let maxDiff = 0;
    for (let i = 0; i < SIZE; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - expected[i]!));
    expect(maxDiff).toBeLessThan(TOL);
    expect(ours.some((x, i) => x !== w0[i])).toBe(true);
    expect(flat.step).toBe(STEPS);
    theirs.dispose();
    v.dispose();
  });
});

describe('flat optimizer state', () => {
  it('exports copies and rejects states that do not fit', () => {
    const adam = createFlatOptimizer({ name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, SIZE);
    adam.apply(values(2), values(3));
    const state = adam.exportState();
    expect(state.step).toBe(1);
    state.slots['m']![0] = 123;
    expect(adam.exportState().slots['m']![0]).not.toBe(123);
    expect(() => adam.importState({ ...state, name: 'sgd' })).toThrow(InvalidConfigError);
    expect(() => adam.importState({ ...state, slots: { m: state.slots['m']! } })).toThrow(/slots\.v/);
    expect(() => adam.importState({ ...state, slots: { m: new Float32Array(3), v: new Float32Array(3) } })).toThrow(ShapeMismatchError);
    expect(() => adam.apply(new Float32Array(3), new Float32Array(3))).toThrow(ShapeMismatchError);
  });
});
