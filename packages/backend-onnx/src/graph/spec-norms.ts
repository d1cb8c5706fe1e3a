/**
 * ONNX emitters for the spec's normalisations and gelu, in ops the autodiff rules cover:
 * - layerNormalization over the last axis: mu = ReduceMean(x), var = ReduceMean((x-mu)^2),
 *   y = (x - mu) / sqrt(var + eps) * gamma + beta;
 * - batchNormalization: one BatchNormalization node (moving statistics as inputs); the
 *   training graph expands it afterwards (batch-norm-training.ts), the others run it as is;
 * - gelu: 0.5 x (1 + erf(x / sqrt 2)).
 */
import type { GraphBuilder } from './graph-builder';

/** Default-opset version from which ReduceMean takes its axes as an input. */
const REDUCE_AXES_AS_INPUT_OPSET = 18;

function reduceMean(b: GraphBuilder, v: string, axes: number[]): string {
  return b.opset >= REDUCE_AXES_AS_INPUT_OPSET ? b.op('ReduceMean', [v, b.constInt64(axes)], { keepdims: 1 }) : b.op('ReduceMean', [v], { axes, keepdims: 1 });
}

/** `rank` counts the batch axis. */
export function emitLayerNorm(b: GraphBuilder, x: string, rank: number, eps: number, gamma: string, beta: string | undefined): string {
  const axis = [rank - 1];
  const xc = b.op('Sub', [x, reduceMean(b, x, axis)]);
  const variance = reduceMean(b, b.op('Mul', [xc, xc]), axis);
  const invStd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [variance, b.scalar(eps)])])]);
  const scaled = b.op('Mul', [b.op('Mul', [xc, invStd]), gamma]);
  return beta ? b.op('Add', [scaled, beta]) : scaled;
}

/** x is [N, C] or NCHW; Keras momentum is ONNX's (running * momentum + batch * (1 - momentum)). */
export function emitBatchNorm(b: GraphBuilder, x: string, params: readonly string[], eps: number, momentum: number): string {
  return b.op('BatchNormalization', [x, ...params], { epsilon: { f: eps }, momentum: { f: momentum } });
}

export function emitGelu(b: GraphBuilder, x: string): string {
  const erf = b.op('Erf', [b.op('Mul', [x, b.scalar(Math.SQRT1_2)])]);
  return b.op('Mul', [b.op('Mul', [x, b.scalar(0.5)]), b.op('Add', [erf, b.scalar(1)])]);
}
