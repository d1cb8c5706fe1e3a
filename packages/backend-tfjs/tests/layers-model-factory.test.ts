/** A user's own tfjs LayersModel as the replica model, checked against the same model built from a spec. */
import * as tf from '@tensorflow/tfjs';
import type { ModelSpecInput } from '@syncline/core';
import { ShapeMismatchError, parseModelSpec } from '@syncline/core';
import { conformanceBatch, conformanceValues } from '@syncline/core/testing';
import type { LayersModelFactory } from '../src/index';
import { TfjsBackend, silentLogger } from '../src/index';

const SPEC: ModelSpecInput = {
  inputShape: [4],
  layers: [
    { type: 'dense', units: 5, activation: 'tanh' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
  optimizer: { name: 'adam' },
};
const spec = parseModelSpec(SPEC, 'factory test');

const factory =
  (lastActivation: 'softmax' | 'linear'): LayersModelFactory =>
  () =>
    tf.sequential({
      layers: [tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), tf.layers.dense({ units: 3, activation: lastActivation })],
    });

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1e-3 + Math.abs(b[i]!)));
  return m;
}

describe('model factory (tfjs LayersModel)', () => {
  const fromSpec = new TfjsBackend({ candidates: ['cpu'], logger: silentLogger });

  it.each(['softmax', 'linear'] as const)('a model ending in %s trains like the spec model', async (last) => {
    const backend = new TfjsBackend({ candidates: ['cpu'], logger: silentLogger, modelFactory: factory(last) });
    const a = await fromSpec.createReplica(spec, { seed: 1 });
    const b = await backend.createReplica(spec, { seed: 1 });
    expect(b.layout.entries.map((e) => e.shape)).toEqual(a.layout.entries.map((e) => e.shape));
    expect(b.layout.entries.every((e) => e.trainable)).toBe(true);
    const w = conformanceValues(a.layout.totalSize, 3);
    await a.setWeights(w);
    await b.setWeights(w);
    const batch = conformanceBatch(spec, 7, 9);
    const ga = await a.computeGradients(batch);
    const gradsA = ga.gradients.slice();
    const gb = await b.computeGradients(batch);
    expect(maxRelDiff(gb.gradients, gradsA)).toBeLessThan(1e-3);
    expect(gb.lossSum).toBeCloseTo(ga.lossSum, 4);
    expect(gb.correct).toBe(ga.correct);
    expect(maxRelDiff(await b.predict(batch), await a.predict(batch))).toBeLessThan(1e-4);
    await a.applyGradients(gradsA);
    await b.applyGradients(gb.gradients);
    expect(maxRelDiff(await b.getWeights(), await a.getWeights())).toBeLessThan(1e-3);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('rejects a factory model whose input does not match the spec, naming both shapes', async () => {
    const backend = new TfjsBackend({
      candidates: ['cpu'],
      logger: silentLogger,
      modelFactory: () => tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [6] })] }),
    });
    await expect(backend.createReplica(spec, { seed: 1 })).rejects.toThrow(ShapeMismatchError);
    await expect(backend.createReplica(spec, { seed: 1 })).rejects.toThrow(/\[6\].*\[4\]/);
  });
});
