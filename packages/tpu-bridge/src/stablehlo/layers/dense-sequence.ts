/**
 * Dense on the last axis of a sequence (Keras Dense on rank > 2 inputs; no activation,
 * the caller applies it): y = x W + b with x [B, L, F], W [F, U], b [U] -> [B, L, U].
 * Params: [kernel, bias?].
 * VJP: dW = Σ_{B, L} xᵀ dy (one dot_general contracting batch and length), db = Σ_{B, L} dy,
 * dx = dy Wᵀ.
 */
import type { LayerRule } from './layer-rule';

export const denseSequenceRule: LayerRule = (b, x, params) => {
  const [w, bias] = params;
  const rank = x.type.shape.length;
  const last = rank - 1;
  const lead = x.type.shape.slice(0, last).map((_, i) => i);
  const xw = b.dot(x, w!, [last], [0]);
  const y = bias ? b.add(xw, b.broadcast(bias, xw.type.shape, [last])) : xw;
  return {
    y,
    backward: (dy, needDx) => {
      const grads = [b.dot(x, dy, lead, lead)];
      if (bias) grads.push(b.reduce(dy, 'add', lead));
      return { dx: needDx ? b.dot(dy, w!, [last], [1]) : null, grads };
    },
  };
};
