/**
 * A trained spec model as a tfjs LayersModel, saved as model.json + weights.bin (the files
 * `model.save('file://dir')` writes, which tf.loadLayersModel, tfjs-node and
 * tensorflowjs_converter read): what a team that trained with Syncline serves in a browser
 * or Node with plain tfjs. Each spec layer becomes the Keras/tfjs layer with the same math
 * (core's weight layout already follows their kernel shapes: Dense [in, units], Conv
 * [kh, kw, in, filters], BatchNormalization gamma, beta, moving mean, moving variance).
 * Layers tfjs-layers has no equivalent of (multiHeadAttention, positionEmbedding, softmax on
 * another axis than the last) are refused by name before anything is written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  inferShapes,
  MODEL_INPUT_NAME,
  UnsupportedOperationError,
  weightLayoutOf,
  type LayerShapes,
  type LayerSpec,
  type ModelSpec,
  type WeightLayout,
} from '@syncline/core';
import { silentLogger } from '../runtime/logger';
import { selectTfjsBackend } from '../runtime/select-backend';
import { loadLayersModelFile } from './load-layers-model';

type SymbolicTensor = tf.SymbolicTensor;

/** Keras' arguments of a conv1d/conv2d spec layer (the same fields on both). */
function convArgs(l: Extract<LayerSpec, { type: 'conv1d' | 'conv2d' }>, name: string) {
  return { name, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, activation: l.activation, useBias: l.useBias };
}

/** Keras' arguments of a pooling spec layer: strides default to the pool size, as Keras' do. */
function poolArgs(l: Extract<LayerSpec, { type: 'maxPool2d' | 'averagePool2d' }>, name: string) {
  return { name, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding };
}

/** The tfjs layer computing `ls`, or a reason it has none. */
function layerFor(ls: LayerShapes): tf.layers.Layer | string {
  const l = ls.layer;
  const name = ls.name;
  switch (l.type) {
    case 'dense':
      return tf.layers.dense({ name, units: l.units, activation: l.activation, useBias: l.useBias });
    case 'conv2d':
      return tf.layers.conv2d(convArgs(l, name));
    case 'conv1d':
      return tf.layers.conv1d(convArgs(l, name));
    case 'maxPool2d':
      return tf.layers.maxPooling2d(poolArgs(l, name));
    case 'averagePool2d':
      return tf.layers.averagePooling2d(poolArgs(l, name));
    case 'flatten':
      return tf.layers.flatten({ name });
    case 'embedding':
      return tf.layers.embedding({ name, inputDim: l.inputDim, outputDim: l.outputDim });
    case 'dropout':
      return tf.layers.dropout({ name, rate: l.rate });
    case 'activation':
      return tf.layers.activation({ name, activation: l.activation });
    case 'batchNormalization':
      return tf.layers.batchNormalization({ name, axis: -1, momentum: l.momentum, epsilon: l.epsilon });
    case 'layerNormalization':
      return tf.layers.layerNormalization({ name, axis: -1, epsilon: l.epsilon });
    case 'globalAveragePooling2d':
      return tf.layers.globalAveragePooling2d({ name });
    case 'globalAveragePooling1d':
      return tf.layers.globalAveragePooling1d({ name });
    case 'reshape':
      return tf.layers.reshape({ name, targetShape: l.targetShape });
    case 'permute':
      return tf.layers.permute({ name, dims: l.dims });
    case 'softmax':
      return l.axis === -1 || l.axis === ls.inputShape.length
        ? tf.layers.softmax({ name })
        : 'softmax on another axis than the last (tfjs soft-maxes the last only)';
    case 'add':
      return tf.layers.add({ name });
    case 'multiply':
      return tf.layers.multiply({ name });
    case 'concatenate':
      return tf.layers.concatenate({ name, axis: l.axis });
    default:
      return `${l.type} (tfjs-layers has no such layer)`;
  }
}

/** Throws UnsupportedOperationError naming the first layer of `spec` a tfjs LayersModel cannot hold (check before training, not after). */
export function assertTfjsExportable(spec: ModelSpec): void {
  for (const ls of inferShapes(spec)) {
    const layer = layerFor(ls);
    if (typeof layer === 'string') throw new UnsupportedOperationError('layer', ls.name, `export to a tfjs LayersModel: ${layer}`, 'leave out --export-tfjs');
  }
}

/** Builds the LayersModel of `spec` holding `weights` (laid out as `layout`, core's weightLayoutOf). Throws UnsupportedOperationError for a layer tfjs lacks. */
export function specToLayersModel(spec: ModelSpec, weights: Float32Array, layout: WeightLayout = weightLayoutOf(spec)): tf.LayersModel {
  const shapes = inferShapes(spec);
  const layers = shapes.map((ls) => {
    const layer = layerFor(ls);
    if (typeof layer === 'string') {
      throw new UnsupportedOperationError('layer', ls.name, `export to a tfjs LayersModel: ${layer}`, 'export the weights (--export-weights) instead');
    }
    return layer;
  });
  const input = tf.input({ shape: [...spec.inputShape], name: MODEL_INPUT_NAME });
  const values = new Map<string, SymbolicTensor>([[MODEL_INPUT_NAME, input]]);
  shapes.forEach((ls, i) => {
    const ins = ls.inputs.map((n) => values.get(n)!);
    values.set(ls.name, layers[i]!.apply(ins.length === 1 ? ins[0]! : ins) as SymbolicTensor);
  });
  const model = tf.model({ inputs: input, outputs: values.get(shapes[shapes.length - 1]!.name)!, name: spec.name?.replace(/[^A-Za-z0-9_.-]/g, '_') });
  const byName = new Map(layout.entries.map((e) => [e.name, e]));
  shapes.forEach((ls, i) => {
    if (ls.params.length === 0) return;
    const tensors = ls.params.map((p) => {
      const e = byName.get(p.name)!;
      return tf.tensor(weights.subarray(e.offset, e.offset + e.size), [...e.shape]);
    });
    layers[i]!.setWeights(tensors);
    tf.dispose(tensors);
  });
  return model;
}

/** Writes `model` into `dir` as model.json + weights.bin, the layout tfjs' file:// saver writes; returns model.json's path. */
export async function saveLayersModelFiles(model: tf.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
      const json = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: 'Syncline',
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

/**
 * Exports trained weights as a tfjs model in `dir`: the spec's layers, or (`layersModel`,
 * a run that trained a saved LayersModel) that model with the new weights, in its own
 * weight order. Runs on tfjs's cpu backend (the coordinator computes nothing else).
 */
export async function exportTfjsModel(dir: string, spec: ModelSpec, weights: Float32Array, layout: WeightLayout, layersModel?: string): Promise<string> {
  await selectTfjsBackend({ candidates: ['cpu'], logger: silentLogger });
  const model = layersModel ? ((await loadLayersModelFile(layersModel)) as unknown as tf.LayersModel) : specToLayersModel(spec, weights, layout);
  try {
    if (layersModel) {
      const tensors = layout.entries.map((e) => tf.tensor(weights.subarray(e.offset, e.offset + e.size), [...e.shape]));
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    return await saveLayersModelFiles(model, dir);
  } finally {
    model.dispose();
  }
}
