/** End to end on one replica (wasm): the MLP and a small CNN learn a synthetic task through the public API. */
import type { Batch, ModelSpecInput } from '@syncline/core';
import { parseModelSpec, Xoshiro128 } from '@syncline/core';
import { TfjsBackend, silentLogger } from '../src/index';

const STEPS = 40;
const BATCH = 32;
const CLASSES = 3;

/** Class k: a bright k-th third of the image (rows), plus noise. */
function batch(prng: Xoshiro128, size: number, shape: number[]): Batch {
  const per = shape.reduce((a, b) => a * b, 1);
  const rows = shape[0]!;
  const x = new Float32Array(size * per);
  const y = new Int32Array(size);
  for (let n = 0; n < size; n++) {
    const label = Math.floor(prng.nextFloat24() * CLASSES);
    y[n] = label;
    for (let i = 0; i < per; i++) {
      const row = Math.floor(i / (per / rows));
      const band = Math.floor((row * CLASSES) / rows);
      x[n * per + i] = (band === label ? 1 : 0) + (prng.nextFloat24() - 0.5) * 0.5;
    }
  }
  return { x, y, size, exampleShape: shape };
}

const MODELS: [string, ModelSpecInput][] = [
  [
    'mlp (dense relu + softmax, adam)',
    {
      inputShape: [12],
      layers: [
        { type: 'dense', units: 16, activation: 'relu' },
        { type: 'dense', units: CLASSES, activation: 'softmax' },
      ],
      optimizer: { name: 'adam', learningRate: 0.01 },
    },
  ],
  [
    'cnn (conv, pool, dropout, momentum)',
    {
      inputShape: [6, 6, 1],
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: CLASSES, activation: 'softmax' },
      ],
      optimizer: { name: 'momentum', learningRate: 0.05 },
    },
  ],
];

describe.each(MODELS)('%s', (_name, input) => {
  it(`reaches > 90% accuracy on held-out data within ${STEPS} steps`, async () => {
    const spec = parseModelSpec(input, 'learns test');
    const replica = await new TfjsBackend({ candidates: ['wasm'], logger: silentLogger }).createReplica(spec, { seed: 3 });
    const prng = new Xoshiro128(17);
    const test = batch(prng, 200, spec.inputShape);
    const before = await replica.evaluate(test);
    for (let s = 0; s < STEPS; s++) {
      const g = await replica.computeGradients(batch(prng, BATCH, spec.inputShape));
      await replica.applyGradients(g.gradients.map((v) => v / g.count));
    }
    const after = await replica.evaluate(test);
    expect(after.lossSum).toBeLessThan(before.lossSum / 2);
    expect(after.correct / after.count).toBeGreaterThan(0.9);
    await replica.dispose();
  });
});
