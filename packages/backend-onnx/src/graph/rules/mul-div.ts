/**
 * Mul / Div (dropout masks, scalings): d(a*b) = (g*b, g*a); d(a/b) = (g/b, -g*a/b^2),
 * each reduced back over broadcast axes.
 */
import type { GradRule } from '../grad-rule';
import { unbroadcast } from './unbroadcast';

export const mulGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const { b } = ctx;
  const out = ctx.shape(node.output[0]!);
  const [x, y] = node.input as [string, string];
  return [needed[0] ? unbroadcast(ctx, b.op('Mul', [g, y]), out, x) : undefined, needed[1] ? unbroadcast(ctx, b.op('Mul', [g, x]), out, y) : undefined];
};

export const divGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const { b } = ctx;
  const out = ctx.shape(node.output[0]!);
  const [x, y] = node.input as [string, string];
  const gx = b.op('Div', [g, y]);
  return [
    needed[0] ? unbroadcast(ctx, gx, out, x) : undefined,
    needed[1] ? unbroadcast(ctx, b.op('Neg', [b.op('Mul', [gx, node.output[0]!])]), out, y) : undefined,
  ];
};
