/**
 * Sequence layers as tfjs ops (sequences are [batch, length, features]):
 * - denseOnLastAxis: x W + b on the last axis (Keras Dense on a sequence);
 * - multiHeadAttention (Keras MultiHeadAttention): Q, K, V projections split into heads
 *   [batch, heads, length, keyDim]; Q scaled by 1 / sqrt(keyDim); softmax(Q K^T + mask) V,
 *   the mask -1e9 on padded keys (token id 0); heads merged back and projected to the
 *   query's features.
 */
import * as tf from '@tensorflow/tfjs';

export function denseOnLastAxis(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined): tf.Tensor {
  const [inputs, units] = kernel.shape as [number, number];
  const flat = tf.matMul(tf.reshape(x, [-1, inputs]) as tf.Tensor2D, kernel as tf.Tensor2D);
  const y = tf.reshape(flat, [...x.shape.slice(0, -1), units]);
  return bias ? tf.add(y, bias) : y;
}

/** Keras' large negative number for float32 masks: added to the scores of padded keys. */
export const MASKED_SCORE = -1e9;

/** [batch, 1, 1, keys]: MASKED_SCORE where the key's token id is 0, else 0. */
function paddingBias(ids: tf.Tensor): tf.Tensor {
  return tf.reshape(tf.mul(tf.cast(tf.equal(ids, 0), 'float32'), MASKED_SCORE), [ids.shape[0]!, 1, 1, ids.shape[1]!]);
}

/** `params`: query, key, value, output kernels, each followed by its bias when `useBias`; `paddingIds` [batch, keys] masks keys whose id is 0. */
export function multiHeadAttention(
  query: tf.Tensor,
  value: tf.Tensor,
  params: readonly tf.Tensor[],
  numHeads: number,
  keyDim: number,
  useBias: boolean,
  paddingIds?: tf.Tensor,
): tf.Tensor {
  const step = useBias ? 2 : 1;
  const proj = (t: tf.Tensor, k: number): tf.Tensor => denseOnLastAxis(t, params[k * step]!, useBias ? params[k * step + 1] : undefined);
  const heads = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [t.shape[0]!, t.shape[1]!, numHeads, keyDim]), [0, 2, 1, 3]);
  const q = heads(tf.mul(proj(query, 0), 1 / Math.sqrt(keyDim)));
  const k = heads(proj(value, 1));
  const v = heads(proj(value, 2));
  let scores = tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true) as tf.Tensor;
  if (paddingIds) scores = tf.add(scores, paddingBias(paddingIds));
  const weights = tf.softmax(scores);
  const context = tf.transpose(tf.matMul(weights as tf.Tensor4D, v as tf.Tensor4D), [0, 2, 1, 3]);
  return proj(tf.reshape(context, [query.shape[0]!, query.shape[1]!, numHeads * keyDim]), 3);
}
