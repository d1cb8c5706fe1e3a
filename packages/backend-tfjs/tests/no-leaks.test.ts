/** No tensor leaks: tf.memory().numTensors after 50 train steps equals the count after 1. */
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

async function step(r: ReplicaProgram, k: number): Promise<void> {
  const spec = parseModelSpec(SMALL_CNN, 'leak test CNN');
  const g = await r.computeGradients(conformanceBatch(spec, 5, k));
  await r.applyGradients(g.gradients.map((v) => v / 5));
  await r.evaluate(conformanceBatch(spec, 3, k + 1));
  await r.predict(conformanceBatch(spec, 2, k + 2));
  await r.computeGradients(conformanceBatch(spec, 0, k));
}

describe.each(nativeBuiltOrSay('no-leaks.test') ? (['cpu', 'wasm', 'node'] as const) : (['cpu', 'wasm'] as const))('on %s', (candidate) => {
  it(`keeps tf.memory().numTensors flat over ${STEPS} steps (conv, pool, dropout, dense, adam)`, async () => {
    const backend = new TfjsBackend({ candidates: [candidate], logger: silentLogger });
    const r = await backend.createReplica(parseModelSpec(SMALL_CNN, 'leak test CNN'), { seed: 1 });
    expect(tf.getBackend()).toBe(candidate === 'node' ? 'tensorflow' : candidate);
    await step(r, 0);
    const afterOne = tf.memory().numTensors;
    for (let k = 1; k < STEPS; k++) await step(r, k);
    expect(tf.memory().numTensors).toBe(afterOne);
    await r.dispose();
    expect(tf.memory().numTensors).toBeLessThan(afterOne);
  });
});
