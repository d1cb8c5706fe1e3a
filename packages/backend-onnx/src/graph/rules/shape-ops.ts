/**
 * Ops that only move elements: Flatten/Reshape/Squeeze/Unsqueeze reshape the gradient back
 * to the input's runtime shape; Transpose applies the inverse permutation; Identity and
 * inference-mode Dropout pass the gradient through.
 */
import type { GradRule } from '../grad-rule';
import { attrInts } from '../node-attrs';

export const reshapeGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g || !needed[0]) return [];
  const { b } = ctx;
  return [b.op('Reshape', [g, b.op('Shape', [node.input[0]!])])];
};

export const transposeGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const rank = ctx.shape(node.input[0]!).length;
  const perm = attrInts(
    node,
    'perm',
    Array.from({ length: rank }, (_, i) => rank - 1 - i),
  );
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return [ctx.b.op('Transpose', [g], { perm: inverse })];
};

export const identityGrad: GradRule = (_ctx, _node, [g]) => [g];
