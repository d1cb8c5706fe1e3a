/**
 * Add / Sub / Sum (bias adds included): d(a+b) = g to each operand, d(a-b) = (g, -g),
 * each reduced back over broadcast axes.
 */
import type { GradRule } from '../grad-rule';
import { unbroadcast } from './unbroadcast';

export const addGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const out = ctx.shape(node.output[0]!);
  return node.input.map((x, i) => (needed[i] ? unbroadcast(ctx, g, out, x) : undefined));
};

export const subGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const out = ctx.shape(node.output[0]!);
  const [a, b] = node.input as [string, string];
  return [needed[0] ? unbroadcast(ctx, g, out, a) : undefined, needed[1] ? unbroadcast(ctx, ctx.b.op('Neg', [g]), out, b) : undefined];
};
