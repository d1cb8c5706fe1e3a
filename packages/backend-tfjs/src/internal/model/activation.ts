/** Core's activation names applied with tfjs ops (softmax over the last axis). */
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
  }
}
