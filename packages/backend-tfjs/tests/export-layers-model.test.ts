/**
 * Export of a trained spec model to a tfjs LayersModel (model.json + weights.bin): loaded back
 * with tf.loadLayersModel, it predicts what the replica predicts (within 1e-5) for a
 * residual CNN with batch normalization (moving statistics moved by a training step) and for
 * a sequence model (conv1d, layer normalization, gelu, permute, reshape, concatenate,
 * multiply, dropout) and for an embedding of token ids; a layer tfjs has no equivalent of is refused by name.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseModelSpec, UnsupportedOperationError, type ModelSpecInput, weightLayoutOf } from '@syncline/core';
import { conformanceBatch } from '@syncline/core/testing';
import { exportTfjsModel, loadLayersModelFile, silentLogger, TfjsBackend } from '../src/index';

const RESNET: ModelSpecInput = {
  inputShape: [8, 8, 1],
  layers: [
    { name: 'stem', type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', useBias: false },
    { type: 'batchNormalization' },
    { name: 'sum', type: 'add', inputs: ['stem', 'batchnormalization_0'] },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPool2d' },
    { type: 'globalAveragePooling2d' },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
};

const SEQUENCE: ModelSpecInput = {
  inputShape: [6, 4],
  layers: [
    { name: 'c', type: 'conv1d', filters: 5, kernelSize: 3, padding: 'same', activation: 'gelu' },
    { type: 'layerNormalization' },
    { name: 'p', type: 'permute', dims: [2, 1], inputs: ['c'] },
    { name: 'r', type: 'reshape', targetShape: [6, 5], inputs: ['p'] },
    { name: 'm', type: 'multiply', inputs: ['layernormalization_0', 'r'] },
    { name: 'j', type: 'concatenate', axis: -1, inputs: ['m', 'c'] },
    { type: 'dense', units: 3, activation: 'tanh' },
    { type: 'flatten' },
    { type: 'dense', units: 2, activation: 'softmax' }, // predict() gives probabilities; an exported logits model gives logits, as Keras' does
  ],
};

/** Token ids: inputs of 6 ids in [0, 5) for an embedding. */
const TOKENS: ModelSpecInput = {
  inputShape: [6],
  layers: [{ type: 'embedding', inputDim: 5, outputDim: 3 }, { type: 'globalAveragePooling1d' }, { type: 'dense', units: 2, activation: 'softmax' }],
};

async function roundTrip(input: ModelSpecInput, xform = (v: number): number => v): Promise<number> {
  const spec = parseModelSpec(input, 'export test');
  const replica = await new TfjsBackend({ candidates: ['cpu'], logger: silentLogger }).createReplica(spec, { seed: 4 });
  const base = conformanceBatch(spec, 5, 2);
  const batch = { ...base, x: base.x.map(xform), y: base.y.map((v) => v % 2) }; // labels every test model takes
  const g = await replica.computeGradients(batch); // a training forward moves the moving statistics too
  await replica.applyGradients(g.gradients.map((v) => v / batch.size));
  const want = await replica.predict(batch);
  const path = await exportTfjsModel(mkdtempSync(join(tmpdir(), 'export-tfjs-')), spec, await replica.getWeights(), weightLayoutOf(spec));
  const model = (await loadLayersModelFile(path)) as unknown as tf.LayersModel;
  const got = (model.predict(tf.tensor(batch.x, [batch.size, ...spec.inputShape])) as tf.Tensor).dataSync();
  model.dispose();
  expect(got.length).toBe(want.length);
  return Math.max(...Array.from(want, (v, i) => Math.abs(v - got[i]!)));
}

describe('export to a tfjs LayersModel', () => {
  it('a residual CNN with batch normalization predicts the same once loaded back with tfjs', async () => {
    expect(await roundTrip(RESNET)).toBeLessThan(1e-5);
  });

  it('a sequence model (conv1d, layerNormalization, gelu, permute, reshape, merges) predicts the same', async () => {
    expect(await roundTrip(SEQUENCE)).toBeLessThan(1e-5);
  });

  it('an embedding of token ids predicts the same', async () => {
    expect(await roundTrip(TOKENS, (v) => Math.floor(Math.abs(v) * 997) % 5)).toBeLessThan(1e-5);
  });

  it('refuses a layer tfjs-layers lacks, naming it, and writes nothing', async () => {
    const spec = parseModelSpec(
      { inputShape: [4, 8], layers: [{ type: 'multiHeadAttention', numHeads: 2, keyDim: 4 }, { type: 'flatten' }, { type: 'dense', units: 2 }] },
      'mha',
    );
    const dir = join(mkdtempSync(join(tmpdir(), 'export-tfjs-')), 'out');
    await expect(exportTfjsModel(dir, spec, new Float32Array(weightLayoutOf(spec).totalSize), weightLayoutOf(spec))).rejects.toThrow(UnsupportedOperationError);
    await expect(exportTfjsModel(dir, spec, new Float32Array(weightLayoutOf(spec).totalSize), weightLayoutOf(spec))).rejects.toThrow(/multiheadattention_0/);
    expect(existsSync(dir)).toBe(false);
  });
});
