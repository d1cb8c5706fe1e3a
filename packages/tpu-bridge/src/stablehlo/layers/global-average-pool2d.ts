/**
 * GlobalAveragePooling2D: [B, H, W, C] -> [B, C], the mean over H and W.
 * VJP: each position receives dy / (H W).
 */
import type { LayerRule } from './layer-rule';

export const globalAveragePooling2dRule: LayerRule = (b, x) => {
  const [batch, h, w, c] = x.type.shape as [number, number, number, number];
  const y = b.scale(b.reduce(x, 'add', [1, 2]), 1 / (h * w));
  return { y, backward: (dy) => ({ dx: b.broadcast(b.scale(dy, 1 / (h * w)), [batch, h, w, c], [0, 3]), grads: [] }) };
};
