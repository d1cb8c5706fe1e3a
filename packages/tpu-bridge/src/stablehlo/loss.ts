/**
 * The loss head over the model output z [B, K] and the labels [B], for every loss core's
 * resolveLoss names, with the formulas backend-onnx's loss head uses (so pjrt trains like
 * the other backends): the loss is SUMMED over the batch (the caller scales the gradient by
 * 1 / global batch), and its gradient d lossSum / dz is fused.
 * - categorical (int32 class ids), from logits: lossSum = Σ (lse(z) - z[y]), d = softmax(z) - onehot;
 *   from probabilities p = z: -Σ onehot log(clip(p)), d = -onehot / p inside the clip range;
 * - binary (float32 targets t, K = 1), from logits: Σ relu(z) - z t + log(1 + exp(-|z|)),
 *   d = sigmoid(z) - t; from probabilities: -Σ t log p + (1 - t) log(1 - p) on clipped p,
 *   d = (p - t) / (p (1 - p)) inside the clip range;
 * - meanSquaredError: Σ (z - t)², d = 2 (z - t); meanAbsoluteError: Σ |z - t|, d = sign(z - t).
 * `correct` counts z[y] at the row max (categorical), (p > 0.5) == t (binary), 0 (regression);
 * `probs` is softmax / sigmoid of logits, or the output itself.
 */
import { PROBABILITY_EPSILON, type ResolvedLoss } from '@syncline/core';
import type { Builder } from './builder';
import { softmax } from './layers/activation';
import type { Value } from './tensor-type';

export interface LossResult {
  readonly lossSum: Value;
  readonly correct: Value;
  readonly dlogits: Value;
  readonly probs: Value;
}

/** Σ over every axis. */
const total = (b: Builder, v: Value): Value =>
  b.reduce(
    v,
    'add',
    v.type.shape.map((_, i) => i),
  );

/** 1 where p lies in Keras' clip range [eps, 1 - eps], else 0. */
function inRange(b: Builder, p: Value): Value {
  const shape = p.type.shape;
  const lo = b.compare(p, b.constF(PROBABILITY_EPSILON, shape), 'GE');
  const hi = b.compare(p, b.constF(1 - PROBABILITY_EPSILON, shape), 'LE');
  return b.mul(b.convert(lo, 'f32'), b.convert(hi, 'f32'));
}

const clip = (b: Builder, p: Value): Value => b.min(b.max(p, b.constF(PROBABILITY_EPSILON, p.type.shape)), b.constF(1 - PROBABILITY_EPSILON, p.type.shape));

function categorical(b: Builder, z: Value, labels: Value, fromLogits: boolean): LossResult {
  const [rows, cols] = z.type.shape as [number, number];
  const onehot = b.convert(b.compare(b.iota([rows, cols], 1), b.broadcast(labels, [rows, cols], [0]), 'EQ'), 'f32');
  const rowMax = b.reduce(z, 'max', [1]);
  const picked = b.reduce(b.mul(z, onehot), 'add', [1]);
  const correct = total(b, b.convert(b.compare(picked, rowMax, 'GE'), 'f32'));
  if (fromLogits) {
    const shifted = b.sub(z, b.broadcast(rowMax, [rows, cols], [0]));
    const lse = b.unary('log', b.reduce(b.unary('exponential', shifted), 'add', [1]));
    const lossSum = b.reduce(b.sub(lse, b.reduce(b.mul(shifted, onehot), 'add', [1])), 'add', [0]);
    const probs = softmax(b, z);
    return { lossSum, correct, dlogits: b.sub(probs, onehot), probs };
  }
  const lossSum = b.unary('negate', total(b, b.mul(onehot, b.unary('log', clip(b, z)))));
  const dlogits = b.unary('negate', b.mul(b.div(onehot, z), inRange(b, z)));
  return { lossSum, correct, dlogits, probs: z };
}

function binary(b: Builder, z: Value, t: Value, fromLogits: boolean): LossResult {
  const shape = z.type.shape;
  const one = b.constF(1, shape);
  let lossSum: Value;
  let probs: Value;
  let dlogits: Value;
  if (fromLogits) {
    const softplus = b.unary('log', b.add(one, b.unary('exponential', b.unary('negate', b.unary('abs', z)))));
    lossSum = total(b, b.add(b.sub(b.max(z, b.constF(0, shape)), b.mul(z, t)), softplus));
    probs = b.unary('logistic', z);
    dlogits = b.sub(probs, t);
  } else {
    const p = clip(b, z);
    const ll = b.add(b.mul(t, b.unary('log', p)), b.mul(b.sub(one, t), b.unary('log', b.sub(one, p))));
    lossSum = b.unary('negate', total(b, ll));
    probs = z;
    dlogits = b.mul(b.div(b.sub(z, t), b.mul(z, b.sub(one, z))), inRange(b, z));
  }
  const predicted = b.convert(b.compare(probs, b.constF(0.5, shape), 'GT'), 'f32');
  const correct = total(b, b.convert(b.compare(predicted, t, 'EQ'), 'f32'));
  return { lossSum, correct, dlogits, probs };
}

function regression(b: Builder, z: Value, t: Value, squared: boolean): LossResult {
  const diff = b.sub(z, t);
  const lossSum = total(b, squared ? b.mul(diff, diff) : b.unary('abs', diff));
  const dlogits = squared ? b.scale(diff, 2) : b.unary('sign', diff);
  return { lossSum, correct: b.constF(0), dlogits, probs: z };
}

/** The loss of output `z` [B, K] against `labels` [B] (i32 class ids or f32 targets, as labelKindOf says). */
export function lossHead(b: Builder, z: Value, labels: Value, loss: ResolvedLoss): LossResult {
  const fromLogits = loss.output === 'fused' || loss.output === 'logits';
  if (loss.name === 'sparseCategoricalCrossentropy' || loss.name === 'categoricalCrossentropy') return categorical(b, z, labels, fromLogits);
  const t = b.reshape(labels, z.type.shape); // [B] -> [B, 1]
  if (loss.name === 'binaryCrossentropy') return binary(b, z, t, fromLogits);
  return regression(b, z, t, loss.name === 'meanSquaredError');
}
