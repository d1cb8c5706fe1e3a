/**
 * BatchNormalization in inference form (running statistics frozen, as a fine-tuned
 * imported model uses it): Y = scale (X - mean) / sqrt(var + eps) + B.
 * 1. k = scale / sqrt(var + eps), broadcast along axis 1;
 * 2. dX = g k; dScale = sum(g (X - mean) / sqrt(var + eps)); dB = sum(g), sums over every
 *    axis but 1. Training mode (batch statistics) is not differentiated: it fails naming the node.
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { GradRule } from '../grad-rule';
import { attrFloat, attrInt, describeNode } from '../node-attrs';

export const batchNormGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  if (attrInt(node, 'training_mode', 0) !== 0) {
    throw new UnsupportedOperationError('gradient rule', 'BatchNormalization', 'training_mode=1', `${describeNode(node)}: export the model in eval mode`);
  }
  const { b } = ctx;
  const [X, scale, , mean, variance] = node.input as [string, string, string, string, string];
  const rank = ctx.shape(X).length;
  const channelShape = b.constInt64([1, -1, ...new Array<number>(rank - 2).fill(1)]);
  const reduceAxes = b.constInt64([0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)]);
  const invStd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [variance, b.scalar(attrFloat(node, 'epsilon', 1e-5))])])]);
  const bc = (v: string): string => b.op('Reshape', [v, channelShape]);
  const dX = needed[0] ? b.op('Mul', [g, bc(b.op('Mul', [scale, invStd]))]) : undefined;
  let dScale: string | undefined;
  if (needed[1]) {
    const xhat = b.op('Mul', [b.op('Sub', [X, bc(mean)]), bc(invStd)]);
    dScale = b.op('ReduceSum', [b.op('Mul', [g, xhat]), reduceAxes], { keepdims: 0 });
  }
  const dB = needed[2] ? b.op('ReduceSum', [g, reduceAxes], { keepdims: 0 }) : undefined;
  return [dX, dScale, dB];
};
