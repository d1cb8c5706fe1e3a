/**
 * Sparse softmax cross-entropy head over logits [N, K] with int32 labels [N]:
 * 1. logp = LogSoftmax(logits); onehot = OneHot(labels);
 * 2. lossSum = -sum(logp * onehot)  (the SUM over the batch; the strategy divides);
 * 3. correct = count(argmax(logits) == label); probs = exp(logp);
 * 4. d lossSum / d logits = probs - onehot (fused; no per-op backward through LogSoftmax).
 */
import { DataType } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';

export const LABELS_INPUT = 'labels';
export const LOSS_SUM = 'loss_sum';
export const CORRECT = 'correct';
export const PROBS = 'probs';

export interface LossHead {
  readonly dLogits: string;
}

export function buildLossHead(b: GraphBuilder, logits: string, numClasses: number, withGradient: boolean): LossHead {
  b.addInput(LABELS_INPUT, DataType.INT32, ['N']);
  const labels = b.op('Cast', [LABELS_INPUT], { to: DataType.INT64 });
  const logp = b.op('LogSoftmax', [logits], { axis: 1 });
  const onehot = b.op('OneHot', [labels, b.constInt64([numClasses], []), b.constFloat([0, 1], [2])], { axis: -1 });
  b.node('Neg', [b.op('ReduceSum', [b.op('Mul', [logp, onehot])], { keepdims: 0 })], [LOSS_SUM]);
  const hit = b.op('Equal', [b.op('ArgMax', [logits], { axis: 1, keepdims: 0 }), labels]);
  b.node('ReduceSum', [b.op('Cast', [hit], { to: DataType.FLOAT })], [CORRECT], { keepdims: 0 });
  b.node('Exp', [logp], [PROBS]);
  b.addOutput(LOSS_SUM, DataType.FLOAT, []);
  b.addOutput(CORRECT, DataType.FLOAT, []);
  b.addOutput(PROBS, DataType.FLOAT, ['N', numClasses]);
  return { dLogits: withGradient ? b.op('Sub', [PROBS, onehot]) : '' };
}
