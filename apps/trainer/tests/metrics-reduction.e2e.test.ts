/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 *
 * Issue 17's metrics through the real Mirrored path: worker threads, shared-memory
 * all-reduce, onnxruntime replicas, real Fashion-MNIST (sample). A binary task (shirt against
 * every other class, the hardest Fashion-MNIST class to tell apart) carries auc, mse and mae; a 10-class one
 * carries top-3 accuracy and mse.
 * 1. Before training both runs hold the same seeded weights, so evaluate's metrics with 2
 *    replicas (each rank's sums all-reduced) equal the single replica's over the same
 *    global batch: within 1e-6 relative (the confusion and top-k counts are sums of integers).
 * 2. fit logs every metric for training and validation (the 2-replica train steps carry the
 *    sums through the sharded update's metric all-reduce), and both runs agree closely.
 * 3. The validation AUC (Keras' 200 thresholds) matches the exact ROC AUC computed here
 *    from the model's sorted predictions (Mann-Whitney) within 0.01, and the model learned.
 */
import { InMemorySource, MirroredStrategy, type EpochLogs, type EvaluateResult, type ModelSpecInput } from '@syncline/core';
import { onnx } from '@syncline/backend-onnx';
import { sharedMemory } from '@syncline/collective';
import { sample } from './helpers';

const SHIRT = 6;
const BINARY: ModelSpecInput = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ],
  loss: 'binaryCrossentropy',
  optimizer: { name: 'adam', learningRate: 0.01 },
  metrics: ['accuracy', 'auc', 'meanSquaredError', 'meanAbsoluteError'],
};
const CLASSES: ModelSpecInput = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'adam', learningRate: 0.01 },
  metrics: ['accuracy', { name: 'topKAccuracy', k: 3 }, 'meanSquaredError'],
};

interface Run {
  before: EvaluateResult;
  logs: EpochLogs;
  preds: Float32Array;
}

function binarySource(s: InMemorySource): InMemorySource {
  return new InMemorySource({ x: s.x, y: Uint8Array.from(s.y, (l) => (l === SHIRT ? 1 : 0)), exampleShape: s.exampleShape, name: `${s.name} (shirt or not)` });
}

async function run(spec: ModelSpecInput, replicas: number, train: InMemorySource, test: InMemorySource): Promise<Run> {
  const strategy = new MirroredStrategy({ replicas, isolation: 'thread', backend: onnx(), communicator: sharedMemory(), timeoutMs: 60_000 });
  try {
    const model = await strategy.createModel(spec, { seed: 7 });
    const before = await model.evaluate(test, { globalBatchSize: 200 });
    const history = await model.fit(train, { epochs: 1, globalBatchSize: 64, virtualEpochSize: 64 * 30, seed: 3, validationData: test });
    return { before, logs: history.history[0]!, preds: await model.predict(test) };
  } finally {
    await strategy.close();
  }
}

/** Exact ROC AUC: the share of (positive, negative) pairs the scores order correctly, ties counting half. */
function exactAuc(scores: Float32Array, labels: ArrayLike<number>): number {
  const order = Array.from(scores, (s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  let negativesBelow = 0;
  let pairs = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let [pos, neg] = [0, 0];
    while (j < order.length && order[j]![0] === order[i]![0]) order[j++]![1] ? pos++ : neg++;
    pairs += pos * negativesBelow + (pos * neg) / 2;
    negativesBelow += neg;
    i = j;
  }
  const positives = order.filter((o) => o[1]).length;
  return pairs / (positives * (order.length - positives));
}

function expectRelClose(a: number | undefined, b: number | undefined, rel: number, what: string): void {
  expect(typeof a).toBe('number');
  if (!(Math.abs(a! - b!) <= rel * Math.abs(b!))) throw new Error(`${what}: ${a} vs ${b} (relative ${rel})`);
}

describe('issue 17 metrics through MirroredStrategy (onnx, threads, shared memory)', () => {
  const data = sample();
  const train = data.train as InMemorySource;
  const test = data.test as InMemorySource;

  it('binary: auc, mse and mae reduce exactly across 2 replicas and auc matches the exact ROC AUC', async () => {
    const [btrain, btest] = [binarySource(train), binarySource(test)];
    const one = await run(BINARY, 1, btrain, btest);
    const two = await run(BINARY, 2, btrain, btest);
    for (const k of ['loss', 'accuracy', 'auc', 'mse', 'mae']) expectRelClose(two.before[k], one.before[k], 1e-6, `evaluate ${k}`);
    expect(two.before.count).toBe(one.before.count);
    for (const k of ['auc', 'mse', 'mae', 'valAuc', 'valMse', 'valMae']) {
      expect(Math.abs(two.logs[k]! - one.logs[k]!)).toBeLessThanOrEqual(1e-3);
    }
    const labels = (btest.y as Uint8Array).subarray(0, btest.size);
    const exact = exactAuc(one.preds, labels);
    process.stderr.write(`shirt-or-not AUC on the test sample: Keras-style ${one.logs.valAuc!.toFixed(5)}, exact ${exact.toFixed(5)}\n`);
    expect(Math.abs(one.logs.valAuc! - exact)).toBeLessThanOrEqual(0.01);
    expect(one.logs.valAuc).toBeGreaterThan(0.75);
    expect(one.logs.valAuc).toBeGreaterThan(one.before.auc!);
  }, 240_000);

  it('10 classes: top-3 accuracy and mse reduce exactly across 2 replicas', async () => {
    const one = await run(CLASSES, 1, train, test);
    const two = await run(CLASSES, 2, train, test);
    for (const k of ['loss', 'accuracy', 'topKAccuracy', 'mse']) expectRelClose(two.before[k], one.before[k], 1e-6, `evaluate ${k}`);
    for (const k of ['topKAccuracy', 'mse', 'valTopKAccuracy', 'valMse']) expect(Math.abs(two.logs[k]! - one.logs[k]!)).toBeLessThanOrEqual(1e-3);
    expect(one.logs.valTopKAccuracy).toBeGreaterThanOrEqual(one.logs.valAccuracy!);
    expect(one.logs.valTopKAccuracy).toBeGreaterThan(0.8); // chance is 0.3
  }, 240_000);
});
