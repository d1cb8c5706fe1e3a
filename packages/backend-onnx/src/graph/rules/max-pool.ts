/**
 * MaxPool (2-D): the gradient goes to each window's argmax, read from MaxPool's Indices
 * output (added to the forward node when absent; flat NCHW offsets into X).
 * 1. non-overlapping windows: MaxUnpool(g, indices, shape(X));
 * 2. overlapping windows (stride < kernel): ScatterElements with reduction "add" into a
 *    zero vector of X's size, reshaped to X, so shared maxima accumulate.
 * (Tried and dropped: routing g by Equal(X, upsampled Y) without Indices. ORT's Expand,
 * 6-D broadcasting and DepthToSpace made it slower than MaxPool-with-Indices + MaxUnpool.)
 */
import type { GradRule } from '../grad-rule';
import { windowGeometry } from './window-geometry';

export const maxPoolGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const geo = windowGeometry(ctx, node);
  if (node.output.length < 2 || !node.output[1]) node.output[1] = b.fresh('maxpool_indices');
  const indices = node.output[1]!;
  const xShape = b.op('Shape', [node.input[0]!]);
  const overlapping = geo.strides[0] < geo.kernel[0] || geo.strides[1] < geo.kernel[1];
  if (!overlapping) {
    return [b.op('MaxUnpool', [g, indices, xShape], { kernel_shape: geo.kernel, strides: geo.strides, pads: geo.pads })];
  }
  const flat = b.constInt64([-1]);
  const zeros = b.op('ConstantOfShape', [b.op('ReduceProd', [xShape], { keepdims: 1 })]);
  const scattered = b.op('ScatterElements', [zeros, b.op('Reshape', [indices, flat]), b.op('Reshape', [g, flat])], {
    axis: 0,
    reduction: 'add',
  });
  return [b.op('Reshape', [scattered, xShape])];
};
