/**
 * Parameter-free layers of sequence and attention models, each with its VJP:
 * - softmax along one axis (Keras numbering: -1 the last, 1 the first after the batch),
 *   stabilised by the max along it; dx = y (dy - Σ_axis dy y);
 * - reshape to [B, ...targetShape] (row-major, as Keras); dx reshapes back;
 * - permute by `dims` (1-based, batch fixed); dx transposes by the inverse permutation;
 * - globalAveragePooling1d [B, L, F] -> [B, F] (mean over L); dx = dy / L at every step.
 */
import { exampleAxis, ShapeMismatchError, type LayerSpec } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';
import type { LayerRule } from './layer-rule';

type Spec<T extends LayerSpec['type']> = Extract<LayerSpec, { type: T }>;

/** Σ or max of `v` along `axis`, broadcast back to v's shape. */
function along(b: Builder, v: Value, kind: 'add' | 'max', axis: number): Value {
  const shape = v.type.shape;
  const keep = shape.map((_, i) => i).filter((i) => i !== axis);
  return b.broadcast(b.reduce(v, kind, [axis]), shape, keep);
}

/** Softmax of `z` along its (absolute, batch-counting) `axis`. */
export function softmaxAlong(b: Builder, z: Value, axis: number): Value {
  const e = b.unary('exponential', b.sub(z, along(b, z, 'max', axis)));
  return b.div(e, along(b, e, 'add', axis));
}

export const softmaxAxisRule: LayerRule = (b, x, _params, layer) => {
  const { axis: kerasAxis } = layer.layer as Spec<'softmax'>;
  const perExample = exampleAxis(kerasAxis, x.type.shape.length - 1);
  if (perExample < 0) throw new ShapeMismatchError(`softmax axis ${kerasAxis} is outside a rank-${x.type.shape.length - 1} input`);
  const axis = perExample + 1;
  const y = softmaxAlong(b, x, axis);
  return { y, backward: (dy) => ({ dx: b.mul(y, b.sub(dy, along(b, b.mul(dy, y), 'add', axis))), grads: [] }) };
};

export const reshapeRule: LayerRule = (b, x, _params, layer) => {
  const { targetShape } = layer.layer as Spec<'reshape'>;
  const y = b.reshape(x, [x.type.shape[0]!, ...targetShape]);
  return { y, backward: (dy) => ({ dx: b.reshape(dy, x.type.shape), grads: [] }) };
};

export const permuteRule: LayerRule = (b, x, _params, layer) => {
  const { dims } = layer.layer as Spec<'permute'>;
  const perm = [0, ...dims];
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const y = b.transpose(x, perm);
  return { y, backward: (dy) => ({ dx: b.transpose(dy, inverse), grads: [] }) };
};

export const globalAveragePooling1dRule: LayerRule = (b, x) => {
  const shape = x.type.shape;
  const inv = 1 / shape[1]!;
  const y = b.scale(b.reduce(x, 'add', [1]), inv);
  return { y, backward: (dy) => ({ dx: b.broadcast(b.scale(dy, inv), shape, [0, 2]), grads: [] }) };
};
