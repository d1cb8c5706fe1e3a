/**
 * MatMul with a rank-2 right operand (Dense without bias, imported Linear layers):
 * dA = g B^T; dB = A^T g with A and g flattened to rank 2 first when A is batched.
 * Batched MatMul of two operands of one rank >= 3 and equal batch dimensions (attention
 * scores and context): dA = g B^T, dB = A^T g, transposing the last two axes.
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { GradRule } from '../grad-rule';
import { describeNode } from '../node-attrs';

export const matmulGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const { b } = ctx;
  const [A, B] = node.input as [string, string];
  const bShape = ctx.shape(B);
  const aShape = ctx.shape(A);
  if (bShape.length >= 3 && aShape.length === bShape.length) {
    const swap = [...Array.from({ length: bShape.length - 2 }, (_, i) => i), bShape.length - 1, bShape.length - 2];
    const t = (v: string): string => b.op('Transpose', [v], { perm: swap });
    return [needed[0] ? b.op('MatMul', [g, t(B)]) : undefined, needed[1] ? b.op('MatMul', [t(A), g]) : undefined];
  }
  if (bShape.length !== 2) {
    throw new UnsupportedOperationError(
      'gradient rule',
      'MatMul',
      `a rank-${bShape.length} right operand`,
      `${describeNode(node)}: only rank-2 weights are differentiated`,
    );
  }
  const aRank = aShape.length;
  const [k, n] = bShape as [number, number];
  let dA: string | undefined;
  let dB: string | undefined;
  if (needed[0]) dA = b.op('MatMul', [g, b.op('Transpose', [B], { perm: [1, 0] })]);
  if (needed[1]) {
    const a2 = aRank === 2 ? A : b.op('Reshape', [A, b.constInt64([-1, k])]);
    const g2 = aRank === 2 ? g : b.op('Reshape', [g, b.constInt64([-1, n])]);
    dB = b.op('Gemm', [a2, g2], { transA: 1 });
  }
  return [dA, dB];
};
