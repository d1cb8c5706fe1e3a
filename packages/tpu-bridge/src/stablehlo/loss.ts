/**
 * Sparse categorical cross-entropy from logits, summed over the batch, with its
 * gradient and the accuracy count.
 * 1. lse = max + log Σ exp(z - max); loss_j = lse_j - z_j[y_j]; lossSum = Σ_j loss_j.
 * 2. d lossSum / dz = softmax(z) - onehot(y) (the caller scales by 1 / global batch).
 * 3. correct_j = 1 when z_j[y_j] equals the row max (ties count as correct).
 */
import type { Builder } from './builder';
import { softmax } from './layers/activation';
import type { Value } from './tensor-type';

export interface LossResult {
  readonly lossSum: Value;
  readonly correct: Value;
  readonly dlogits: Value;
}

export function sparseCrossEntropy(b: Builder, logits: Value, labels: Value): LossResult {
  const [rows, cols] = logits.type.shape as [number, number];
  const onehot = b.convert(b.compare(b.iota([rows, cols], 1), b.broadcast(labels, [rows, cols], [0]), 'EQ'), 'f32');
  const rowMax = b.reduce(logits, 'max', [1]);
  const shifted = b.sub(logits, b.broadcast(rowMax, [rows, cols], [0]));
  const lse = b.unary('log', b.reduce(b.unary('exponential', shifted), 'add', [1]));
  const picked = b.reduce(b.mul(shifted, onehot), 'add', [1]);
  const lossSum = b.reduce(b.sub(lse, picked), 'add', [0]);
  const correct = b.reduce(b.convert(b.compare(picked, b.constF(0, [rows]), 'GE'), 'f32'), 'add', [0]);
  const dlogits = b.sub(softmax(b, logits), onehot);
  return { lossSum, correct, dlogits };
}
