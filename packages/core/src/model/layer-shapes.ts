/**
 * One layer's shape rule: its output shape and parameter shapes from its input shapes.
 * Pure; `fail(why)` raises the caller's ShapeMismatchError, which names the layer.
 */
import type { LayerSpec } from '../spec/model-spec';

export interface ParamShape {
  /** e.g. "conv2d_0/kernel". */
  readonly name: string;
  readonly shape: readonly number[];
  /** False for state the layer updates itself (BatchNormalization moving statistics). */
  readonly trainable?: boolean;
  /** Initial value of a rank-1 entry when not zeros. */
  readonly initializer?: 'ones';
}

export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Output length of a windowed op along one axis (TensorFlow's 'same'/'valid' rules). */
export function windowOutput(size: number, window: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const MERGE = new Set(['add', 'multiply', 'concatenate']);

/** True for layers that read two or more inputs. */
export function isMergeLayer(layer: LayerSpec): boolean {
  return MERGE.has(layer.type);
}

/** How many inputs a layer takes: [min, max]. */
function inputArity(layer: LayerSpec): [number, number] {
  if (isMergeLayer(layer)) return [2, Infinity];
  if (layer.type === 'multiHeadAttention') return layer.paddingMask === undefined ? [1, 2] : [2, 3];
  return [1, 1];
}

/** Keras axis (1-based after the batch, or negative) -> per-example axis index, or -1 when out of range. */
export function exampleAxis(axis: number, rank: number): number {
  const a = axis < 0 ? rank + axis : axis - 1;
  return a >= 0 && a < rank ? a : -1;
}

export function layerOutput(
  layer: LayerSpec,
  shapes: readonly (readonly number[])[],
  prefix: string,
  fail: (why: string) => never,
): { outputShape: readonly number[]; params: ParamShape[] } {
  const [least, most] = inputArity(layer);
  if (shapes.length < least || shapes.length > most) {
    fail(
      isMergeLayer(layer)
        ? `${layer.type} needs two or more inputs, got ${shapes.length}`
        : `${layer.type} takes ${most === 1 ? 'one input' : `${least} to ${most} inputs`}, got ${shapes.length}`,
    );
  }
  const shape = shapes[0]!;
  const channels = shape[shape.length - 1]!;
  switch (layer.type) {
    case 'dense': {
      // Rank 1, or a sequence [length, features] (applied to the last axis, as Keras does).
      if (shape.length > 2) fail('dense needs a rank-1 input per example; add a flatten layer before it');
      const params: ParamShape[] = [{ name: `${prefix}/kernel`, shape: [channels, layer.units] }];
      if (layer.useBias) params.push({ name: `${prefix}/bias`, shape: [layer.units] });
      return { outputShape: [...shape.slice(0, -1), layer.units], params };
    }
    case 'multiHeadAttention': {
      const masked = layer.paddingMask !== undefined;
      const value = (masked ? shapes.length === 3 : shapes.length === 2) ? shapes[1]! : shape;
      if (shape.length !== 2 || value.length !== 2) fail('multiHeadAttention needs [length, features] inputs');
      const mask = masked ? shapes[shapes.length - 1]! : undefined;
      if (mask && (mask.length !== 1 || mask[0] !== value[0])) {
        fail(`paddingMask "${layer.paddingMask}" must hold the value sequence's ${value[0]} token ids ([${value[0]}]), not [${mask.join(', ')}]`);
      }
      const inner = layer.numHeads * layer.keyDim;
      const params: ParamShape[] = [];
      const project = (name: string, inputs: number, units: number): void => {
        params.push({ name: `${prefix}/${name}/kernel`, shape: [inputs, units] });
        if (layer.useBias) params.push({ name: `${prefix}/${name}/bias`, shape: [units] });
      };
      project('query', channels, inner);
      project('key', value[1]!, inner);
      project('value', value[1]!, inner);
      project('output', inner, channels);
      return { outputShape: shape, params };
    }
    case 'conv1d': {
      if (shape.length !== 2) fail('conv1d needs a [length, channels] input');
      const length = windowOutput(shape[0]!, layer.kernelSize, layer.strides, layer.padding);
      if (length < 1) fail(`kernel ${layer.kernelSize} with padding "${layer.padding}" leaves no output`);
      const params: ParamShape[] = [{ name: `${prefix}/kernel`, shape: [layer.kernelSize, channels, layer.filters] }];
      if (layer.useBias) params.push({ name: `${prefix}/bias`, shape: [layer.filters] });
      return { outputShape: [length, layer.filters], params };
    }
    case 'permute': {
      const sorted = [...layer.dims].sort((a, b) => a - b);
      if (layer.dims.length !== shape.length || sorted.some((d, i) => d !== i + 1)) {
        fail(`dims [${layer.dims.join(', ')}] is not a permutation of 1..${shape.length}`);
      }
      return { outputShape: layer.dims.map((d) => shape[d - 1]!), params: [] };
    }
    case 'softmax':
      if (exampleAxis(layer.axis, shape.length) < 0) fail(`axis ${layer.axis} is outside a rank-${shape.length} input`);
      return { outputShape: shape, params: [] };
    case 'embedding':
      if (shape.length !== 1) fail('embedding needs a [length] input of token ids');
      return { outputShape: [shape[0]!, layer.outputDim], params: [{ name: `${prefix}/embeddings`, shape: [layer.inputDim, layer.outputDim] }] };
    case 'positionEmbedding':
      if (shape.length !== 2) fail('positionEmbedding needs a [length, features] input');
      return { outputShape: shape, params: [{ name: `${prefix}/embeddings`, shape: [shape[0]!, channels] }] };
    case 'globalAveragePooling1d':
      if (shape.length !== 2) fail('globalAveragePooling1d needs a [length, features] input');
      return { outputShape: [channels], params: [] };
    case 'conv2d': {
      if (shape.length !== 3) fail('conv2d needs a [height, width, channels] input');
      const [h, w, c] = shape as [number, number, number];
      const [kh, kw] = pair(layer.kernelSize);
      const [sh, sw] = pair(layer.strides);
      const oh = windowOutput(h, kh, sh, layer.padding);
      const ow = windowOutput(w, kw, sw, layer.padding);
      if (oh < 1 || ow < 1) fail(`kernel ${kh}x${kw} with padding "${layer.padding}" leaves no output`);
      const params: ParamShape[] = [{ name: `${prefix}/kernel`, shape: [kh, kw, c, layer.filters] }];
      if (layer.useBias) params.push({ name: `${prefix}/bias`, shape: [layer.filters] });
      return { outputShape: [oh, ow, layer.filters], params };
    }
    case 'maxPool2d':
    case 'averagePool2d': {
      if (shape.length !== 3) fail('pooling needs a [height, width, channels] input');
      const [h, w, c] = shape as [number, number, number];
      const [ph, pw] = pair(layer.poolSize);
      const [sh, sw] = pair(layer.strides ?? layer.poolSize);
      const oh = windowOutput(h, ph, sh, layer.padding);
      const ow = windowOutput(w, pw, sw, layer.padding);
      if (oh < 1 || ow < 1) fail(`pool ${ph}x${pw} leaves no output`);
      return { outputShape: [oh, ow, c], params: [] };
    }
    case 'globalAveragePooling2d':
      if (shape.length !== 3) fail('globalAveragePooling2d needs a [height, width, channels] input');
      return { outputShape: [channels], params: [] };
    case 'flatten':
      return { outputShape: [product(shape)], params: [] };
    case 'reshape':
      if (product(layer.targetShape) !== product(shape)) {
        fail(`targetShape [${layer.targetShape.join(', ')}] holds ${product(layer.targetShape)} elements, the input ${product(shape)}`);
      }
      return { outputShape: layer.targetShape, params: [] };
    case 'dropout':
    case 'activation':
      return { outputShape: shape, params: [] };
    case 'batchNormalization':
      return {
        outputShape: shape,
        params: [
          { name: `${prefix}/gamma`, shape: [channels], initializer: 'ones' },
          { name: `${prefix}/beta`, shape: [channels] },
          { name: `${prefix}/moving_mean`, shape: [channels], trainable: false },
          { name: `${prefix}/moving_variance`, shape: [channels], trainable: false, initializer: 'ones' },
        ],
      };
    case 'layerNormalization':
      return {
        outputShape: shape,
        params: [
          { name: `${prefix}/gamma`, shape: [channels], initializer: 'ones' },
          { name: `${prefix}/beta`, shape: [channels] },
        ],
      };
    case 'add':
    case 'multiply':
      shapes.forEach((s, k) => {
        if (s.join(',') !== shape.join(',')) fail(`input ${k} has shape [${s.join(', ')}], input 0 [${shape.join(', ')}]; ${layer.type} needs equal shapes`);
      });
      return { outputShape: shape, params: [] };
    case 'concatenate': {
      const axis = exampleAxis(layer.axis, shape.length);
      if (axis < 0) fail(`axis ${layer.axis} is outside a rank-${shape.length} input`);
      let joined = 0;
      shapes.forEach((s, k) => {
        const same = s.length === shape.length && s.every((d, i) => i === axis || d === shape[i]);
        if (!same) fail(`input ${k} has shape [${s.join(', ')}], input 0 [${shape.join(', ')}]; they may differ on axis ${layer.axis} only`);
        joined += s[axis]!;
      });
      return { outputShape: shape.map((d, i) => (i === axis ? joined : d)), params: [] };
    }
  }
}
