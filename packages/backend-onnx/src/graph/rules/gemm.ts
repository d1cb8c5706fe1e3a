/**
 * Gemm: Y = alpha * A' B' + beta * C with A' = transA ? A^T : A, B' likewise.
 * 1. dA' = alpha g B'^T, dB' = alpha A'^T g, each emitted as one Gemm with the right
 *    transpose flags so no Transpose node is needed;
 * 2. dC = beta g summed over C's broadcast axes (the bias gradient).
 */
import type { Attrs } from '../graph-builder';
import type { GradRule } from '../grad-rule';
import { attrFloat, attrInt } from '../node-attrs';
import { unbroadcast } from './unbroadcast';

export const gemmGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const { b } = ctx;
  const [A, B, C] = node.input as [string, string, string | undefined];
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const tA = attrInt(node, 'transA', 0);
  const tB = attrInt(node, 'transB', 0);
  const ab: Attrs = alpha === 1 ? {} : { alpha: { f: alpha } };
  let dA: string | undefined;
  let dB: string | undefined;
  if (needed[0]) dA = tA ? b.op('Gemm', [B, g], { transA: tB, transB: 1, ...ab }) : b.op('Gemm', [g, B], { transB: tB ? 0 : 1, ...ab });
  if (needed[1]) dB = tB ? b.op('Gemm', [g, A], { transA: 1, transB: tA, ...ab }) : b.op('Gemm', [A, g], { transA: tA ? 0 : 1, ...ab });
  let dC: string | undefined;
  if (C && needed[2]) {
    const scaled = beta === 1 ? g : b.op('Mul', [g, b.scalar(beta)]);
    dC = unbroadcast(ctx, scaled, ctx.shape(node.output[0]!), C);
  }
  return [dA, dB, dC];
};
