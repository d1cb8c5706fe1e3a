/**
 * Reduces a gradient computed at a broadcast result's shape back to one operand's shape
 * (numpy broadcasting, as ONNX Add/Sub/Mul/Div/Gemm's C use):
 * 1. sum over leading axes the operand lacks and over axes where the operand has size 1;
 * 2. reshape to the operand's runtime shape when ranks differ.
 */
import type { GradContext } from '../grad-rule';

export function unbroadcast(ctx: GradContext, grad: string, outShape: readonly number[], operand: string): string {
  const inShape = ctx.shape(operand);
  const lead = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const d = i < lead ? undefined : inShape[i - lead];
    if (d === undefined || (d === 1 && outShape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return grad;
  const { b } = ctx;
  const summed = b.op('ReduceSum', [grad, b.constInt64(axes)], { keepdims: 1 });
  return lead === 0 ? summed : b.op('Reshape', [summed, b.op('Shape', [operand])]);
}
