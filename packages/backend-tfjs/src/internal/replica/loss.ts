/**
 * Sparse categorical cross-entropy, summed over the batch (core's contract: the
 * gradient is of the SUM), and the number of correct argmax predictions.
 * Logits: loss_i = -logSoftmax(z_i)[y_i], stable for any scale. Probabilities (a
 * user's softmax-ending model): loss_i = -log(clip(p_i[y_i], eps, 1 - eps)) with
 * Keras's eps = 1e-7.
 */
import * as tf from '@tensorflow/tfjs';
import type { OutputKind } from '../model/replica-model';

/** Keras's backend epsilon, used to clip probabilities before the log. */
export const PROBABILITY_EPSILON = 1e-7;

export interface LossTerms {
  readonly lossSum: tf.Scalar;
  readonly correct: tf.Scalar;
}

/** Call inside tf.tidy. `labels` is int32 [batch]; `output` is [batch, numClasses]. */
export function lossTerms(output: tf.Tensor2D, kind: OutputKind, labels: tf.Tensor1D, numClasses: number): LossTerms {
  const oneHot = tf.oneHot(labels, numClasses).toFloat();
  const logProbs = kind === 'logits' ? tf.logSoftmax(output) : tf.log(tf.clipByValue(output, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON));
  const lossSum = tf.neg(tf.sum(tf.mul(oneHot, logProbs))) as tf.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(output, 1), labels), 'int32')) as tf.Scalar;
  return { lossSum, correct };
}

/** Class probabilities from the model's output. Call inside tf.tidy. */
export function probabilities(output: tf.Tensor2D, kind: OutputKind): tf.Tensor2D {
  return kind === 'logits' ? tf.softmax(output) : output;
}
