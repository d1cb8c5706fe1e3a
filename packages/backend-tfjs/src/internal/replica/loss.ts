/**
 * The spec's loss summed over the batch (core's contract: the gradient is of the SUM) and
 * the number of correct predictions, for every loss core's resolveLoss names:
 * - categorical (sparse or one-hot of the label): -sum onehot * log p, with log p =
 *   logSoftmax(z) from logits, or log(clip(p, eps, 1 - eps)) from probabilities (Keras);
 *   correct: argmax == label;
 * - binary: from logits max(z, 0) - z t + log(1 + exp(-|z|)) (stable), from probabilities
 *   -(t log p + (1 - t) log(1 - p)) on clipped p; correct: (p > 0.5) == t;
 * - meanSquaredError / meanAbsoluteError: (o - t)^2 / |o - t| averaged over the output
 *   units; correct: 0 (accuracy is not defined for a regression).
 */
import * as tf from '@tensorflow/tfjs';
import { PROBABILITY_EPSILON, type ResolvedLoss } from '@syncline/core';
import { canUseNativeLoss, nativeSparseCrossEntropySum } from '../kernels/native-loss';

export { PROBABILITY_EPSILON } from '@syncline/core';

export interface LossTerms {
  readonly lossSum: tf.Scalar;
  readonly correct: tf.Scalar;
}

const clipP = (p: tf.Tensor): tf.Tensor => tf.clipByValue(p, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
const fromLogits = (loss: ResolvedLoss): boolean => loss.output === 'fused' || loss.output === 'logits';

/** Call inside tf.tidy. `labels` [batch] is int32 class ids (categorical) or float32 targets (binary, regression: labelKindOf); `output` is [batch, width]. */
export function lossTerms(output: tf.Tensor2D, loss: ResolvedLoss, labels: tf.Tensor1D, width: number): LossTerms {
  if (loss.name === 'sparseCategoricalCrossentropy' || loss.name === 'categoricalCrossentropy') {
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(output, 1), labels), 'int32')) as tf.Scalar;
    // tfjs-node: one fused TensorFlow op instead of ~10 eager ops each way (kernels/native-loss.ts)
    if (fromLogits(loss) && canUseNativeLoss()) return { lossSum: nativeSparseCrossEntropySum(output, labels), correct };
    const oneHot = tf.oneHot(labels, width).toFloat();
    const logProbs = fromLogits(loss) ? tf.logSoftmax(output) : tf.log(clipP(output));
    const lossSum = tf.neg(tf.sum(tf.mul(oneHot, logProbs))) as tf.Scalar;
    return { lossSum, correct };
  }
  const t = tf.reshape(labels.toFloat(), [-1, 1]);
  if (loss.name === 'binaryCrossentropy') {
    let lossSum: tf.Scalar;
    let predicted: tf.Tensor;
    if (fromLogits(loss)) {
      const perElement = tf.add(tf.sub(tf.relu(output), tf.mul(output, t)), tf.log1p(tf.exp(tf.neg(tf.abs(output)))));
      lossSum = tf.sum(perElement) as tf.Scalar;
      predicted = tf.greater(output, 0);
    } else {
      const p = clipP(output);
      lossSum = tf.neg(tf.sum(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p)))))) as tf.Scalar;
      predicted = tf.greater(output, 0.5);
    }
    const correct = tf.sum(tf.cast(tf.equal(tf.cast(predicted, 'float32'), t), 'int32')) as tf.Scalar;
    return { lossSum, correct };
  }
  const diff = tf.sub(output, t);
  const perElement = loss.name === 'meanSquaredError' ? tf.mul(diff, diff) : tf.abs(diff);
  return { lossSum: tf.div(tf.sum(perElement), width) as tf.Scalar, correct: tf.scalar(0, 'int32') };
}

/** What predict returns: probabilities for a classifier (softmax or sigmoid of logits), raw outputs otherwise. Call inside tf.tidy. */
export function probabilities(output: tf.Tensor2D, loss: ResolvedLoss): tf.Tensor2D {
  if (loss.link === 'softmax') return tf.softmax(output);
  if (loss.link === 'sigmoid') return tf.sigmoid(output);
  return output;
}
