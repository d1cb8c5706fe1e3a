/**
 * Softmax and LogSoftmax along one axis (opset 13 semantics):
 * Softmax: dX = Y (g - sum(g Y, axis)); LogSoftmax: dX = g - exp(Y) sum(g, axis).
 */
import type { GradRule } from '../grad-rule';
import { attrInt } from '../node-attrs';

export const softmaxGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const y = node.output[0]!;
  const axes = b.constInt64([attrInt(node, 'axis', -1)]);
  const dot = b.op('ReduceSum', [b.op('Mul', [g, y]), axes], { keepdims: 1 });
  return [b.op('Mul', [y, b.op('Sub', [g, dot])])];
};

export const logSoftmaxGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const axes = b.constInt64([attrInt(node, 'axis', -1)]);
  const total = b.op('ReduceSum', [g, axes], { keepdims: 1 });
  return [b.op('Sub', [g, b.op('Mul', [b.op('Exp', [node.output[0]!]), total])])];
};
