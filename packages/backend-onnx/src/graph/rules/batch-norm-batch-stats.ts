/**
 * Closed-form gradient of a BatchNormalization node normalizing by its own batch statistics
 * (made by graph/batch-norm-training.ts; xhat = (X - mu) invStd, Y = scale xhat + B), so the
 * backward is a few passes over the activations instead of the reverse of the expanded ops:
 * 1. dB = sum(g), dScale = invStd sum(g xc), sums over every axis but 1 (N terms each);
 * 2. dX = k (g - dB / N - xhat dScale / N), k = scale invStd, computed as
 *    g k - BatchNormalization(X; scale k dScale / N, bias k dB / N, mu, var), the inference
 *    kernel doing the per-channel affine of xhat in one pass; N = size(g) / C at run time
 *    (the batch dimension is dynamic);
 * 3. the mu/var inputs get no gradient: their dependence on X is inside dX.
 */
import { DataType } from '../../proto/onnx-proto';
import type { BatchStats } from '../batch-norm-training';
import type { GradContext } from '../grad-rule';
import type { NodeProto } from '../../proto/onnx-proto';
import { attrFloat } from '../node-attrs';

export function batchStatsNormGrad(
  ctx: GradContext,
  node: NodeProto,
  g: string | undefined,
  needed: readonly boolean[],
  stats: BatchStats,
): readonly (string | undefined)[] {
  if (!g) return [];
  const { b } = ctx;
  const [X, scale, , mu, variance] = node.input as [string, string, string, string, string];
  const channels = ctx.shape(X)[1]!;
  const flat = b.constInt64([-1]);
  const sumC = (v: string): string => b.op('ReduceSum', [v, b.constInt64(stats.axes)], { keepdims: 1 });
  const sg = sumC(g);
  const dScaleC = b.op('Mul', [sumC(b.op('Mul', [g, stats.xc])), stats.invStd]);
  let dX: string | undefined;
  if (needed[0]) {
    const channel = b.constInt64([1, -1, ...new Array<number>(stats.axes.length - 1).fill(1)]);
    const k = b.op('Mul', [b.op('Reshape', [scale, channel]), stats.invStd]);
    const kOverN = b.op('Div', [b.op('Mul', [k, b.scalar(channels)]), b.op('Cast', [b.op('Size', [g])], { to: DataType.FLOAT })]);
    const affine = b.op(
      'BatchNormalization',
      [X, b.op('Reshape', [b.op('Mul', [kOverN, dScaleC]), flat]), b.op('Reshape', [b.op('Mul', [kOverN, sg]), flat]), mu, variance],
      {
        epsilon: { f: attrFloat(node, 'epsilon', 1e-5) },
      },
    );
    dX = b.op('Sub', [b.op('Mul', [g, k]), affine]);
  }
  const dScale = needed[1] ? b.op('Reshape', [dScaleC, flat]) : undefined;
  const dB = needed[2] ? b.op('Reshape', [sg, flat]) : undefined;
  return [dX, dScale, dB];
}
