/**
 * Erf (the core of exact gelu) and Concat:
 * Erf: dX = g * 2/sqrt(pi) * exp(-X^2);
 * Concat: each input's gradient is its slice of g along the axis (static sizes from the
 * forward shapes; the batch axis may be -1 only when it is not the concatenated one).
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { GradRule } from '../grad-rule';
import { attrInt, describeNode } from '../node-attrs';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const erfGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const x = node.input[0]!;
  const bell = b.op('Exp', [b.op('Neg', [b.op('Mul', [x, x])])]);
  return [b.op('Mul', [g, b.op('Mul', [bell, b.scalar(TWO_OVER_SQRT_PI)])])];
};

export const concatGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const { b } = ctx;
  const rank = ctx.shape(node.output[0]!).length;
  const raw = attrInt(node, 'axis', 0);
  const axis = raw < 0 ? raw + rank : raw;
  let start = 0;
  return node.input.map((x, i) => {
    const size = ctx.shape(x)[axis]!;
    if (!(size >= 0)) throw new UnsupportedOperationError('gradient rule', 'Concat', 'an axis of unknown size', describeNode(node));
    const from = start;
    start += size;
    if (!needed[i]) return undefined;
    return b.op('Slice', [g, b.constInt64([from]), b.constInt64([from + size]), b.constInt64([axis])]);
  });
};
