/** Flatten [B, ...] to [B, prod(...)] in row-major (NHWC) order, as Keras does; VJP reshapes back. */
import type { LayerRule } from './layer-rule';

export const flattenRule: LayerRule = (b, x, _params, layer) => {
  const batch = x.type.shape[0]!;
  const y = b.reshape(x, [batch, ...layer.outputShape]);
  return { y, backward: (dy) => ({ dx: b.reshape(dy, x.type.shape), grads: [] }) };
};
