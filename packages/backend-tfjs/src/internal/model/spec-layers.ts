/**
 * One spec layer as tfjs ops (NHWC). Normalisations are written out in primitive ops
 * (mean, centred square, rsqrt) so their gradients, batch statistics included, are the
 * same math every backend differentiates:
 * - batchNormalization, training: mean and biased variance over every axis but the last;
 *   y = (x - mean) * rsqrt(var + eps) * gamma + beta; the moving statistics become
 *   moving * momentum + batch * (1 - momentum) (Keras). Inference: the moving statistics.
 * - layerNormalization: the same over the last axis of each example, no moving state.
 */
import * as tf from '@tensorflow/tfjs';
import { exampleAxis, pair, type Activation, type LayerShapes } from '@syncline/core';
import { applyActivation } from './activation';
import { denseOnLastAxis, multiHeadAttention } from './attention';
import type { DropoutMaskStream } from './dropout-masks';

export interface LayerContext {
  readonly training: boolean;
  /** The layer's parameters in inferShapes order (kernel, bias / gamma, beta, moving mean, moving variance). */
  readonly params: readonly tf.Variable[];
  /** The activation to apply where the layer has one (the loss may fuse the model's last). */
  readonly activation: (a: Activation) => Activation;
  readonly dropout?: DropoutMaskStream;
}

function normalize(x: tf.Tensor, eps: number, gamma: tf.Tensor, beta: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

function moments(x: tf.Tensor, axes: number[]): { mean: tf.Tensor; variance: tf.Tensor } {
  const mean = tf.mean(x, axes, true);
  const centred = tf.sub(x, mean);
  return { mean, variance: tf.mean(tf.mul(centred, centred), axes, true) };
}

/**
 * Rows of `table` picked by the token ids in `ids` (floats). The gradient scatters dy back
 * into the rows with ScatterNd, which sums repeated ids: tfjs' own gather gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks.
 */
function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const rows = tf.cast(ids, 'int32');
  const lookup = tf.customGrad((...args) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([rows]);
    return {
      value: tf.gather(t, rows),
      gradFunc: (dy, saved) => {
        const [r] = saved as [tf.Tensor];
        const [vocab, dim] = t.shape as [number, number];
        return tf.scatterND(tf.reshape(r, [-1, 1]), tf.reshape(dy, [-1, dim]), [vocab, dim]);
      },
    };
  });
  return lookup(table);
}

export function applySpecLayer(ls: LayerShapes, inputs: readonly tf.Tensor[], ctx: LayerContext): tf.Tensor {
  const layer = ls.layer;
  const x = inputs[0]!;
  const [kernel, bias] = ctx.params;
  switch (layer.type) {
    case 'dense': {
      if (x.rank > 2) return applyActivation(denseOnLastAxis(x, kernel!, bias), ctx.activation(layer.activation));
      let y = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D) as tf.Tensor;
      if (bias) y = tf.add(y, bias);
      return applyActivation(y, ctx.activation(layer.activation));
    }
    case 'conv1d': {
      let y = tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, layer.strides, layer.padding) as tf.Tensor;
      if (bias) y = tf.add(y, bias);
      return applyActivation(y, ctx.activation(layer.activation));
    }
    case 'permute':
      return tf.transpose(x, [0, ...layer.dims]);
    case 'softmax': {
      // tfjs soft-maxes the last axis only: move the axis there and back.
      const axis = exampleAxis(layer.axis, x.rank - 1) + 1;
      if (axis === x.rank - 1) return tf.softmax(x);
      const perm = Array.from({ length: x.rank }, (_, i) => i);
      [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[axis]!];
      return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
    }
    case 'multiHeadAttention': {
      const mask = layer.paddingMask !== undefined ? inputs[inputs.length - 1] : undefined;
      const value = inputs.length > (mask ? 2 : 1) ? inputs[1]! : x;
      return multiHeadAttention(x, value, ctx.params, layer.numHeads, layer.keyDim, layer.useBias, mask);
    }
    case 'embedding':
      return embeddingLookup(kernel!, x);
    case 'positionEmbedding':
      return tf.add(x, kernel!);
    case 'globalAveragePooling1d':
      return tf.mean(x, 1);
    case 'conv2d': {
      let y = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, pair(layer.strides), layer.padding) as tf.Tensor;
      if (bias) y = tf.add(y, bias);
      return applyActivation(y, ctx.activation(layer.activation));
    }
    case 'maxPool2d':
      return tf.maxPool(x as tf.Tensor4D, pair(layer.poolSize), pair(layer.strides ?? layer.poolSize), layer.padding);
    case 'averagePool2d':
      return tf.avgPool(x as tf.Tensor4D, pair(layer.poolSize), pair(layer.strides ?? layer.poolSize), layer.padding);
    case 'globalAveragePooling2d':
      return tf.mean(x, [1, 2]);
    case 'flatten':
      return tf.reshape(x, [x.shape[0]!, -1]);
    case 'reshape':
      return tf.reshape(x, [x.shape[0]!, ...layer.targetShape]);
    case 'dropout':
      if (!ctx.training || !ctx.dropout) return x;
      return tf.mul(x, tf.tensor(ctx.dropout.next(x.size), x.shape));
    case 'activation':
      return applyActivation(x, ctx.activation(layer.activation));
    case 'batchNormalization': {
      const [gamma, beta, movingMean, movingVar] = ctx.params as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const axes = Array.from({ length: x.rank - 1 }, (_, k) => k);
      if (!ctx.training) return normalize(x, layer.epsilon, gamma, beta, movingMean, movingVar);
      const { mean, variance } = moments(x, axes);
      const blend = (moving: tf.Variable, batch: tf.Tensor): void =>
        moving.assign(tf.add(tf.mul(moving, layer.momentum), tf.mul(tf.reshape(batch, moving.shape), 1 - layer.momentum)));
      blend(movingMean, mean);
      blend(movingVar, variance);
      return normalize(x, layer.epsilon, gamma, beta, mean, variance);
    }
    case 'layerNormalization': {
      const [gamma, beta] = ctx.params as [tf.Variable, tf.Variable];
      const { mean, variance } = moments(x, [x.rank - 1]);
      return normalize(x, layer.epsilon, gamma, beta, mean, variance);
    }
    case 'add':
      return tf.addN([...inputs]);
    case 'multiply':
      return inputs.slice(1).reduce((acc, t) => tf.mul(acc, t), x);
    case 'concatenate':
      return tf.concat([...inputs], exampleAxis(layer.axis, ls.inputShape.length) + 1);
  }
}
