/**
 * Conv1D over [B, L, C] with a [k, C, F] kernel (Keras), TensorFlow 'same'/'valid'
 * padding, as conv2d over a [B, L, 1, C] image with a [k, 1, C, F] kernel (stride 1 and
 * no padding on the unit axis), so the forward and both VJP convolutions are conv2d's
 * (one canonical NHWC x HWIO form); only reshapes are added around them.
 * Params: [kernel, bias?]; the activation is applied by the caller.
 */
import type { Conv2dLayerSpec, LayerShapes, LayerSpec } from '@syncline/core';
import { conv2dRule } from './conv2d';
import type { LayerRule } from './layer-rule';

type Conv1dLayerSpec = Extract<LayerSpec, { type: 'conv1d' }>;

export const conv1dRule: LayerRule = (b, x, params, layer, ctx) => {
  const spec = layer.layer as Conv1dLayerSpec;
  const [kernel, bias] = params;
  const [n, length, c] = x.type.shape as [number, number, number];
  const [outLength, f] = layer.outputShape as [number, number];
  const asConv2d: Conv2dLayerSpec = {
    type: 'conv2d',
    filters: spec.filters,
    kernelSize: [spec.kernelSize, 1],
    strides: [spec.strides, 1],
    padding: spec.padding,
    activation: 'linear',
    useBias: spec.useBias,
  };
  const shapes: LayerShapes = { ...layer, layer: asConv2d, inputShape: [length, 1, c], inputShapes: [[length, 1, c]], outputShape: [outLength, 1, f] };
  const kernel4 = b.reshape(kernel!, [spec.kernelSize, 1, c, f]);
  const inner = conv2dRule(b, b.reshape(x, [n, length, 1, c]), bias ? [kernel4, bias] : [kernel4], shapes, ctx);
  return {
    y: b.reshape(inner.y, [n, outLength, f]),
    backward: (dy, needDx) => {
      const { dx, grads } = inner.backward(b.reshape(dy, [n, outLength, 1, f]), needDx);
      const [dk, ...rest] = grads;
      return { dx: dx ? b.reshape(dx, x.type.shape) : null, grads: [b.reshape(dk!, kernel!.type.shape), ...rest] };
    },
  };
};
