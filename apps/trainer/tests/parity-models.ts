/**
 * The functional models and the real Fashion-MNIST batches that the cross-backend parity
 * tests share (functional-parity: onnx against tfjs; pjrt-parity: pjrt against onnx), and
 * the per-tensor relative L2 measure they compare gradients with.
 */
import type { Batch, ModelSpecInput } from '@syncline/core';
import { sample } from './helpers';

export const RESIDUAL: ModelSpecInput = {
  inputShape: [28, 28, 1],
  layers: [
    // No bias before a BatchNormalization: its gradient is zero up to rounding, which a relative measure cannot compare.
    { type: 'conv2d', name: 'stem', filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
    { type: 'batchNormalization', name: 'stem_bn' },
    { type: 'activation', name: 'stem_relu', activation: 'relu' },
    { type: 'conv2d', name: 'c1', filters: 8, kernelSize: 3, padding: 'same', useBias: false },
    { type: 'batchNormalization', name: 'bn1' },
    { type: 'activation', activation: 'relu' },
    { type: 'conv2d', name: 'c2', filters: 8, kernelSize: 3, padding: 'same', useBias: false },
    { type: 'batchNormalization', name: 'bn2' },
    { type: 'add', name: 'skip', inputs: ['bn2', 'stem_relu'] },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'globalAveragePooling2d' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

export const BRANCHES: ModelSpecInput = {
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', name: 'a', filters: 4, kernelSize: 5, strides: 4, activation: 'gelu' },
    { type: 'conv2d', name: 'b', filters: 4, kernelSize: 5, strides: 4, inputs: ['input'], activation: 'tanh' },
    { type: 'concatenate', name: 'ab', inputs: ['a', 'b'] },
    { type: 'multiply', name: 'gate', inputs: ['a', 'b'] },
    { type: 'reshape', name: 'ab_rows', inputs: ['ab'], targetShape: [12, 6, 4] },
    { type: 'concatenate', name: 'all', inputs: ['ab_rows', 'gate'], axis: 1 },
    { type: 'reshape', targetShape: [36, 12] },
    { type: 'batchNormalization' },
    { type: 'layerNormalization' },
    { type: 'flatten' },
    { type: 'dense', units: 10 },
  ],
};

/** Rows as tokens: a transformer encoder block, then cross-attention to a coarser view of the image. */
export const TRANSFORMER: ModelSpecInput = {
  inputShape: [28, 28],
  layers: [
    { type: 'dense', name: 'embed', units: 32 },
    { type: 'positionEmbedding', name: 'pos' },
    { type: 'layerNormalization', name: 'ln1' },
    { type: 'multiHeadAttention', name: 'mha', numHeads: 2, keyDim: 8 },
    { type: 'add', name: 'res1', inputs: ['mha', 'pos'] },
    { type: 'layerNormalization', name: 'ln2' },
    { type: 'dense', name: 'ff1', units: 64, activation: 'gelu' },
    { type: 'dense', name: 'ff2', units: 32 },
    { type: 'add', name: 'res2', inputs: ['ff2', 'res1'] },
    { type: 'reshape', name: 'coarse', inputs: ['input'], targetShape: [14, 56] },
    { type: 'dense', name: 'coarse_embed', units: 16, activation: 'tanh' },
    { type: 'multiHeadAttention', name: 'cross', inputs: ['res2', 'coarse_embed'], numHeads: 4, keyDim: 4, useBias: false },
    { type: 'globalAveragePooling1d' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

/** Rows as a sequence: conv1d (same and strided valid), permute, softmax along a middle and the last axis. */
export const SEQUENCE_CONV: ModelSpecInput = {
  inputShape: [28, 28],
  layers: [
    { type: 'conv1d', name: 'c1', filters: 8, kernelSize: 3, padding: 'same', activation: 'gelu' },
    { type: 'conv1d', name: 'c2', filters: 8, kernelSize: 5, strides: 2, activation: 'tanh' },
    { type: 'permute', name: 'p', dims: [2, 1] },
    { type: 'softmax', name: 'over_channels', axis: 1 },
    { type: 'softmax', name: 'over_steps', inputs: ['p'] },
    { type: 'multiply', inputs: ['over_channels', 'over_steps'] },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

/** Pixels as tokens: 784 ids of 16 gray levels, looked up in an embedding table. */
export const TOKENS: ModelSpecInput = {
  inputShape: [784],
  layers: [
    { type: 'embedding', name: 'levels', inputDim: 16, outputDim: 8 },
    { type: 'dense', name: 'mix', units: 16, activation: 'gelu' },
    { type: 'globalAveragePooling1d' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};
/** The same tokens through self-attention whose padding mask is the input: black (level 0) pixels get no attention. */
export const MASKED_ATTENTION: ModelSpecInput = {
  inputShape: [784],
  layers: [
    { type: 'embedding', name: 'levels', inputDim: 16, outputDim: 8 },
    { type: 'multiHeadAttention', name: 'mha', numHeads: 2, keyDim: 4, paddingMask: 'input' },
    { type: 'add', inputs: ['mha', 'levels'] },
    { type: 'globalAveragePooling1d' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};
/** A dense network (gelu, layer normalization) ending in a head of `units` with `activation`, trained with `loss`. */
export const denseHead = (units: number, activation: string, loss: unknown): ModelSpecInput =>
  ({
    inputShape: [784],
    layers: [{ type: 'dense', units: 32, activation: 'gelu' }, { type: 'layerNormalization' }, { type: 'dense', units, activation }],
    loss,
  }) as ModelSpecInput;

/** A pixel in [0, 1] as one of 16 gray-level token ids. */
export const grayLevel = (v: number): number => Math.min(15, Math.floor(v * 16));

/** `size` sample training images from index `from`, labels and pixels mapped as given. */
export function realBatch(size: number, exampleShape: readonly number[], label: (y: number) => number, pixel?: (v: number) => number, from = 0): Batch {
  const train = sample().train;
  const x = new Float32Array(size * train.exampleLength);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    train.readFeatures(from + i, x, i * train.exampleLength);
    y[i] = label(train.label(from + i));
  }
  if (pixel) for (let i = 0; i < x.length; i++) x[i] = pixel(x[i]!);
  return { x, y, size, exampleShape };
}

export function norm(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

export function relL2(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-12);
}
