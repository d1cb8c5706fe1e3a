/** Core's activation names applied with tfjs ops (softmax over the last axis; gelu exact, with erf). */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '@syncline/core';

export function applyActivation(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
    case 'gelu':
      // 0.5 x (1 + erf(x / sqrt 2)), as Keras' gelu(approximate=False).
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }
}
