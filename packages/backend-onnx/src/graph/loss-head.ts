/**
 * The loss head over the model output z [N, K] with labels [N], for every loss core's
 * resolveLoss names; the labels input is int32 class ids for the categorical losses and
 * float32 targets for binary cross-entropy (0/1 or soft) and regression (labelKindOf); the loss is the SUM over the batch (the strategy divides), and its
 * gradient d lossSum / d z is fused (no per-op backward through the loss):
 * - categorical from logits: lossSum = -sum(LogSoftmax(z) * onehot); d = softmax(z) - onehot;
 * - categorical from probabilities p = z: -sum(onehot * log(clip(p))); d = -onehot / p
 *   where p is inside the clip range, else 0 (Keras clips to [1e-7, 1 - 1e-7]);
 * - binary from logits (K = 1, t = label): sum(relu(z) - z t + log(1 + exp(-|z|)));
 *   d = sigmoid(z) - t; from probabilities: -sum(t log p + (1 - t) log(1 - p)) on clipped p,
 *   d = (p - t) / (p (1 - p)) inside the clip range;
 * - meanSquaredError (K = 1): sum((z - t)^2), d = 2 (z - t); meanAbsoluteError: sum|z - t|,
 *   d = sign(z - t).
 * `correct` counts argmax == label (categorical), (p > 0.5) == t (binary), 0 (regression);
 * `probs` is softmax / sigmoid of logits, or the output itself.
 */
import { labelKindOf, PROBABILITY_EPSILON, type ResolvedLoss } from '@syncline/core';
import { DataType } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';

export const LABELS_INPUT = 'labels';
export const LOSS_SUM = 'loss_sum';
export const CORRECT = 'correct';
export const PROBS = 'probs';

export interface LossHead {
  readonly dLogits: string;
}

/** What imported models train with: sparse categorical cross-entropy on logits. */
export const SPARSE_FROM_LOGITS: ResolvedLoss = { name: 'sparseCategoricalCrossentropy', output: 'logits', link: 'softmax' };

export function buildLossHead(b: GraphBuilder, z: string, width: number, withGradient: boolean, loss: ResolvedLoss = SPARSE_FROM_LOGITS): LossHead {
  const real = labelKindOf(loss) === 'float32';
  b.addInput(LABELS_INPUT, real ? DataType.FLOAT : DataType.INT32, ['N']);
  const logits = loss.output === 'fused' || loss.output === 'logits';
  const inRange = (p: string): string =>
    b.op('Cast', [b.op('And', [b.op('GreaterOrEqual', [p, b.scalar(PROBABILITY_EPSILON)]), b.op('LessOrEqual', [p, b.scalar(1 - PROBABILITY_EPSILON)])])], {
      to: DataType.FLOAT,
    });
  const clip = (p: string): string => b.op('Clip', [p, b.scalar(PROBABILITY_EPSILON), b.scalar(1 - PROBABILITY_EPSILON)]);
  const sum = (v: string, out: string): void => void b.node('ReduceSum', [v], [out], { keepdims: 0 });
  let d = '';
  if (loss.name === 'sparseCategoricalCrossentropy' || loss.name === 'categoricalCrossentropy') {
    const labels = b.op('Cast', [LABELS_INPUT], { to: DataType.INT64 });
    const onehot = b.op('OneHot', [labels, b.constInt64([width], []), b.constFloat([0, 1], [2])], { axis: -1 });
    const logp = logits ? b.op('LogSoftmax', [z], { axis: 1 }) : b.op('Log', [clip(z)]);
    b.node('Neg', [b.op('ReduceSum', [b.op('Mul', [logp, onehot])], { keepdims: 0 })], [LOSS_SUM]);
    const hit = b.op('Equal', [b.op('ArgMax', [z], { axis: 1, keepdims: 0 }), labels]);
    sum(b.op('Cast', [hit], { to: DataType.FLOAT }), CORRECT);
    if (logits) b.node('Exp', [logp], [PROBS]);
    else b.node('Identity', [z], [PROBS]);
    if (withGradient) d = logits ? b.op('Sub', [PROBS, onehot]) : b.op('Neg', [b.op('Mul', [b.op('Div', [onehot, z]), inRange(z)])]);
  } else {
    const t = b.op('Reshape', [real ? LABELS_INPUT : b.op('Cast', [LABELS_INPUT], { to: DataType.FLOAT }), b.constInt64([-1, 1])]);
    if (loss.name === 'binaryCrossentropy') {
      if (logits) {
        const softplus = b.op('Log', [b.op('Add', [b.scalar(1), b.op('Exp', [b.op('Neg', [b.op('Abs', [z])])])])]);
        sum(b.op('Add', [b.op('Sub', [b.op('Relu', [z]), b.op('Mul', [z, t])]), softplus]), LOSS_SUM);
        b.node('Sigmoid', [z], [PROBS]);
        if (withGradient) d = b.op('Sub', [PROBS, t]);
      } else {
        const p = clip(z);
        const one = b.scalar(1);
        const ll = b.op('Add', [b.op('Mul', [t, b.op('Log', [p])]), b.op('Mul', [b.op('Sub', [one, t]), b.op('Log', [b.op('Sub', [one, p])])])]);
        b.node('Neg', [b.op('ReduceSum', [ll], { keepdims: 0 })], [LOSS_SUM]);
        b.node('Identity', [z], [PROBS]);
        if (withGradient) d = b.op('Mul', [b.op('Div', [b.op('Sub', [z, t]), b.op('Mul', [z, b.op('Sub', [one, z])])]), inRange(z)]);
      }
      const predicted = b.op('Cast', [b.op('Greater', [PROBS, b.scalar(0.5)])], { to: DataType.FLOAT });
      sum(b.op('Cast', [b.op('Equal', [predicted, t])], { to: DataType.FLOAT }), CORRECT);
    } else {
      const diff = b.op('Sub', [z, t]);
      sum(loss.name === 'meanSquaredError' ? b.op('Mul', [diff, diff]) : b.op('Abs', [diff]), LOSS_SUM);
      b.node('Identity', [b.scalar(0)], [CORRECT]);
      b.node('Identity', [z], [PROBS]);
      if (withGradient) d = loss.name === 'meanSquaredError' ? b.op('Mul', [diff, b.scalar(2)]) : b.op('Sign', [diff]);
    }
  }
  b.addOutput(LOSS_SUM, DataType.FLOAT, []);
  b.addOutput(CORRECT, DataType.FLOAT, []);
  b.addOutput(PROBS, DataType.FLOAT, ['N', width]);
  return { dLogits: d };
}
