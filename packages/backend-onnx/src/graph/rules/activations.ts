/**
 * Pointwise activations, each from its output Y (so X can be freed):
 * Relu: g where Y > 0; Sigmoid: g Y (1 - Y); Tanh: g (1 - Y^2).
 */
import type { GradRule } from '../grad-rule';

export const reluGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const zero = b.scalar(0);
  return [b.op('Where', [b.op('Greater', [node.output[0]!, zero]), g, zero])];
};

export const sigmoidGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const y = node.output[0]!;
  return [b.op('Mul', [b.op('Mul', [g, y]), b.op('Sub', [b.scalar(1), y])])];
};

export const tanhGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const y = node.output[0]!;
  return [b.op('Mul', [g, b.op('Sub', [b.scalar(1), b.op('Mul', [y, y])])])];
};
