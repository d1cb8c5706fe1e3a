/** No tensor leaks: tf.memory().numTensors after 50 train steps equals the count after 1 (also with issue 17's metric sums). */
import * as tf from '@tensorflow/tfjs';
import type { ModelSpecInput, ReplicaProgram } from '@syncline/core';
import { parseModelSpec } from '@syncline/core';
import { conformanceBatch } from '@syncline/core/testing';
import { nativeBuiltOrSay } from './native-built';
import { TfjsBackend, silentLogger } from '../src/index';

const STEPS = 50;
const SMALL_CNN: ModelSpecInput = {
  inputShape: [10, 10, 1],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'dropout', rate: 0.25 },
    { type: 'flatten' },
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
  optimizer: { name: 'adam' },
};
/** The same CNN with metrics beyond accuracy (metric-sums.ts kept and disposed each step). */
const WITH_METRICS: ModelSpecInput = { ...SMALL_CNN, metrics: ['accuracy', { name: 'topKAccuracy', k: 2 }, 'meanSquaredError', 'meanAbsoluteError'] };
/** A binary output with auc (a [batch, 200] comparison per step). */
const BINARY_AUC: ModelSpecInput = {
  ...SMALL_CNN,
  layers: [{ type: 'flatten' }, { type: 'dense', units: 1, activation: 'sigmoid' }],
  loss: 'binaryCrossentropy',
  metrics: ['auc'],
};
const SPECS: [string, ModelSpecInput, number][] = [
  ['conv, pool, dropout, dense, adam', SMALL_CNN, 3],
  ['with top-k, mse and mae', WITH_METRICS, 3],
  ['binary with auc', BINARY_AUC, 2],
];

async function step(r: ReplicaProgram, input: ModelSpecInput, classes: number, k: number): Promise<void> {
  const spec = parseModelSpec(input, 'leak test CNN');
  const g = await r.computeGradients(conformanceBatch(spec, 5, k, classes));
  await r.applyGradients(g.gradients.map((v) => v / 5));
  await r.evaluate(conformanceBatch(spec, 3, k + 1, classes));
  await r.predict(conformanceBatch(spec, 2, k + 2, classes));
  await r.computeGradients(conformanceBatch(spec, 0, k, classes));
}

const CANDIDATES = nativeBuiltOrSay('no-leaks.test') ? (['cpu', 'wasm', 'node'] as const) : (['cpu', 'wasm'] as const);
describe.each(CANDIDATES.flatMap((c) => SPECS.map(([what, spec, classes]) => [c, what, spec, classes] as const)))(
  'on %s',
  (candidate, what, input, classes) => {
    it(`keeps tf.memory().numTensors flat over ${STEPS} steps (${what})`, async () => {
      const backend = new TfjsBackend({ candidates: [candidate], logger: silentLogger });
      const r = await backend.createReplica(parseModelSpec(input, 'leak test CNN'), { seed: 1 });
      expect(tf.getBackend()).toBe(candidate === 'node' ? 'tensorflow' : candidate);
      await step(r, input, classes, 0);
      const afterOne = tf.memory().numTensors;
      for (let k = 1; k < STEPS; k++) await step(r, input, classes, k);
      expect(tf.memory().numTensors).toBe(afterOne);
      await r.dispose();
      expect(tf.memory().numTensors).toBeLessThan(afterOne);
    });
  },
);
