/**
 * Conv2D over NHWC inputs with HWIO kernels (as Keras stores them), TensorFlow padding.
 * 1. Forward: z = conv(x, K) + b.
 * 2. dK = conv(x as [C-batch, N-feature], dz dilated by the strides), giving HWIO.
 * 3. dx = conv(dz dilated by the strides, K reversed in space with in/out swapped).
 * 4. db = Σ dz over batch and space.
 */
import { pair, type Conv2dLayerSpec } from '@syncline/core';
import { convolution, tfPadding, vjpLhsPadding, vjpRhsPadding } from '../window-ops';
import type { LayerRule } from './layer-rule';

export const conv2dRule: LayerRule = (b, x, params, layer) => {
  const spec = layer.layer as Conv2dLayerSpec;
  const [k, bias] = params;
  const [n, h, w, c] = x.type.shape as [number, number, number, number];
  const [kh, kw] = pair(spec.kernelSize);
  const [sh, sw] = pair(spec.strides);
  const [oh, ow, f] = layer.outputShape as [number, number, number];
  const pads = [tfPadding(h, kh, sh, spec.padding), tfPadding(w, kw, sw, spec.padding)] as const;
  const conv = convolution(b, x, k!, {
    dims: '[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]', strides: [sh, sw], padding: pads, lhsDilation: [1, 1], rhsDilation: [1, 1],
  }, [n, oh, ow, f]);
  const y = bias ? b.add(conv, b.broadcast(bias, [n, oh, ow, f], [3])) : conv;
  return {
    y,
    backward: (dy, needDx) => {
      const dk = convolution(b, x, dy, {
        dims: '[f, 0, 1, b]x[i, 0, 1, o]->[0, 1, b, f]', strides: [1, 1],
        padding: [vjpRhsPadding(h, kh, sh, oh, pads[0]), vjpRhsPadding(w, kw, sw, ow, pads[1])],
        lhsDilation: [1, 1], rhsDilation: [sh, sw],
      }, [kh, kw, c, f]);
      const grads = [dk];
      if (bias) grads.push(b.reduce(dy, 'add', [0, 1, 2]));
      if (!needDx) return { dx: null, grads };
      const dx = convolution(b, dy, b.reverse(k!, [0, 1]), {
        dims: '[b, 0, 1, f]x[0, 1, o, i]->[b, 0, 1, f]', strides: [1, 1],
        padding: [vjpLhsPadding(h, kh, sh, oh, pads[0]), vjpLhsPadding(w, kw, sw, ow, pads[1])],
        lhsDilation: [sh, sw], rhsDilation: [1, 1],
      }, [n, h, w, c]);
      return { dx, grads };
    },
  };
};
