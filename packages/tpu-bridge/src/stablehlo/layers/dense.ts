/**
 * Dense (no activation; activations are their own rule): z = x W + b with x [B, in],
 * W [in, units], b [units].
 * VJP: dW = xᵀ dz, db = Σ_batch dz, dx = dz Wᵀ.
 */
import type { LayerRule } from './layer-rule';

export const denseRule: LayerRule = (b, x, params) => {
  const [w, bias] = params;
  const batch = x.type.shape[0]!;
  const xw = b.dot(x, w!, [1], [0]);
  const units = xw.type.shape[1]!;
  const y = bias ? b.add(xw, b.broadcast(bias, [batch, units], [1])) : xw;
  return {
    y,
    backward: (dy, needDx) => {
      const grads = [b.dot(x, dy, [0], [0])];
      if (bias) grads.push(b.reduce(dy, 'add', [0]));
      return { dx: needDx ? b.dot(dy, w!, [1], [1]) : null, grads };
    },
  };
};
