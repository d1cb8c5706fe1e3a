/**
 * ReduceMean (opset 18 axes input or opset <= 17 axes attribute) and the pointwise Sqrt /
 * Reciprocal, the pieces training-mode BatchNormalization is expanded into:
 * ReduceMean: dX = g / count, broadcast back over the reduced axes (keepdims=0: the axes,
 * constant, are first put back with Unsqueeze);
 * Sqrt: dX = g / (2 Y); Reciprocal: dX = -g Y^2.
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { GradRule } from '../grad-rule';
import { attrInt, attrInts, describeNode } from '../node-attrs';

export const reduceMeanGrad: GradRule = (ctx, node, [g0], needed) => {
  if (!g0 || !needed[0]) return [];
  let g = g0;
  const { b } = ctx;
  const x = node.input[0]!;
  if (attrInt(node, 'keepdims', 1) !== 1) {
    // keepdims=0: put the reduced axes back (size 1) before broadcasting.
    const rank = ctx.shape(x).length;
    const axes = node.input[1] ? ctx.constInts?.(node.input[1]) : attrInts(node, 'axes', []);
    if (!axes || axes.length === 0) throw new UnsupportedOperationError('gradient rule', 'ReduceMean', 'keepdims=0 without constant axes', describeNode(node));
    const sorted = axes.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
    g = b.op('Unsqueeze', [g, b.constInt64(sorted)]);
  }
  // Elements averaged per output value = size(X) / size(Y), read at run time (the batch varies).
  const count = b.op('Div', [b.op('Cast', [b.op('Size', [x])], { to: 1 }), b.op('Cast', [b.op('Size', [node.output[0]!])], { to: 1 })]);
  return [b.op('Expand', [b.op('Div', [g, count]), b.op('Shape', [x])])];
};

export const sqrtGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  return [b.op('Div', [g, b.op('Mul', [node.output[0]!, b.scalar(2)])])];
};

export const reciprocalGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const y = node.output[0]!;
  return [b.op('Neg', [b.op('Mul', [g, b.op('Mul', [y, y])])])];
};
