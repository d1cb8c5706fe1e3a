/**
 * LayerNormalization over the last axis (Keras; the onnx backend's formula):
 * mu = mean(x), var = mean((x - mu)²), x̂ = (x - mu) / sqrt(var + eps), y = x̂ γ + β.
 * Params: [gamma, beta] (both [C], both trainable).
 * VJP with g = dy γ: dx = (g - mean(g) - x̂ mean(g x̂)) / sqrt(var + eps),
 * dγ = Σ dy x̂, dβ = Σ dy (sums over every axis but the last).
 */
import type { LayerNormalizationLayerSpec } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';
import type { LayerRule } from './layer-rule';

/** Mean over the last axis, broadcast back to the full shape. */
function rowMean(b: Builder, v: Value): Value {
  const shape = v.type.shape;
  const last = shape.length - 1;
  const lead = shape.slice(0, last).map((_, i) => i);
  return b.broadcast(b.scale(b.reduce(v, 'add', [last]), 1 / shape[last]!), shape, lead);
}

export const layerNormalizationRule: LayerRule = (b, x, params, layer) => {
  const { epsilon } = layer.layer as LayerNormalizationLayerSpec;
  const [gamma, beta] = params as [Value, Value];
  const shape = x.type.shape;
  const last = shape.length - 1;
  const lead = shape.slice(0, last).map((_, i) => i);
  const xc = b.sub(x, rowMean(b, x));
  const variance = rowMean(b, b.mul(xc, xc));
  const invStd = b.unary('rsqrt', b.add(variance, b.constF(epsilon, shape)));
  const xhat = b.mul(xc, invStd);
  const g = b.broadcast(gamma, shape, [last]);
  const y = b.add(b.mul(xhat, g), b.broadcast(beta, shape, [last]));
  return {
    y,
    backward: (dy, needDx) => {
      const grads = [b.reduce(b.mul(dy, xhat), 'add', lead), b.reduce(dy, 'add', lead)];
      if (!needDx) return { dx: null, grads };
      const dxhat = b.mul(dy, g);
      const centred = b.sub(b.sub(dxhat, rowMean(b, dxhat)), b.mul(xhat, rowMean(b, b.mul(dxhat, xhat))));
      return { dx: b.mul(centred, invStd), grads };
    },
  };
};
