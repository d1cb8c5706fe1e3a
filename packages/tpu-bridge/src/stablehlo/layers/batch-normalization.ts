/**
 * Keras BatchNormalization over the last axis of [B, ..., C]; params gamma, beta,
 * moving_mean, moving_variance (the last two non-trainable).
 *
 * Training: per-channel statistics of this replica's batch over every axis but the last,
 * N values each (the variance biased, as ONNX and tfjs compute it):
 *   mu = Σx / N,  var = Σ(x - mu)² / N,  xhat = (x - mu) / sqrt(var + eps),  y = gamma xhat + beta;
 *   moving' = momentum moving + (1 - momentum) batch statistic (returned as `updates`).
 * VJP (training): dbeta = Σdy, dgamma = Σ dy xhat,
 *   dx = gamma invstd (dy - dbeta / N - xhat dgamma / N).
 * Inference: the moving statistics in place of the batch's; no VJP is needed there.
 */
import type { BatchNormalizationLayerSpec } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';
import type { LayerRule } from './layer-rule';

/** [C] -> the activation's shape, along its last axis. */
const perChannel = (b: Builder, v: Value, shape: readonly number[]): Value => b.broadcast(v, shape, [shape.length - 1]);

export const batchNormalizationRule: LayerRule = (b, x, params, layer, ctx) => {
  const spec = layer.layer as BatchNormalizationLayerSpec;
  const [gamma, beta, movingMean, movingVar] = params as [Value, Value, Value, Value];
  const shape = x.type.shape;
  const axes = shape.slice(0, -1).map((_, i) => i);
  const n = shape.slice(0, -1).reduce((a, c) => a * c, 1);
  const C = shape[shape.length - 1]!;
  const eps = b.constF(spec.epsilon, [C]);
  if (!ctx.training) {
    const invStd = b.unary('rsqrt', b.add(movingVar, eps));
    const scale = b.mul(gamma, invStd);
    const shift = b.sub(beta, b.mul(movingMean, scale));
    return { y: b.add(b.mul(x, perChannel(b, scale, shape)), perChannel(b, shift, shape)), backward: () => ({ dx: null, grads: [] }) };
  }
  const mean = b.scale(b.reduce(x, 'add', axes), 1 / n);
  const xc = b.sub(x, perChannel(b, mean, shape));
  const variance = b.scale(b.reduce(b.mul(xc, xc), 'add', axes), 1 / n);
  const invStd = b.unary('rsqrt', b.add(variance, eps));
  const xhat = b.mul(xc, perChannel(b, invStd, shape));
  const y = b.add(b.mul(xhat, perChannel(b, gamma, shape)), perChannel(b, beta, shape));
  const blend = (moving: Value, batch: Value): Value => b.add(b.scale(moving, spec.momentum), b.scale(batch, 1 - spec.momentum));
  return {
    y,
    updates: [blend(movingMean, mean), blend(movingVar, variance)],
    backward: (dy, needDx) => {
      const dbeta = b.reduce(dy, 'add', axes);
      const dgamma = b.reduce(b.mul(dy, xhat), 'add', axes);
      if (!needDx) return { dx: null, grads: [dgamma, dbeta] };
      const centred = b.sub(b.sub(dy, perChannel(b, b.scale(dbeta, 1 / n), shape)), b.mul(xhat, perChannel(b, b.scale(dgamma, 1 / n), shape)));
      const dx = b.mul(centred, perChannel(b, b.mul(gamma, invStd), shape));
      return { dx, grads: [dgamma, dbeta] };
    },
  };
};
