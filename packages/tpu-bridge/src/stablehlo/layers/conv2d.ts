/**
 * Conv2D over NHWC inputs with HWIO kernels (as Keras stores them), TensorFlow padding.
 * 1. Forward: z = conv(x, K) + b.
 * 2. dK = conv(xᵀ [C, H, W, N] as the input, dzᵀ [oh, ow, N, F] as the kernel dilated by
 *    the strides) -> [C, kh, kw, F], transposed to HWIO.
 * 3. dx = conv(dz dilated by the strides, K reversed in space with in/out swapped).
 * Every convolution is written in the canonical NHWC x HWIO -> NHWC form with explicit
 * transposes: XLA's CPU backend only takes its fast path for that form inside loop
 * bodies (a batch/feature-swapped dK convolution measured ~50x slower in a while loop).
 * 4. db = Σ dz over batch and space.
 */
import { pair, type Conv2dLayerSpec } from '@syncline/core';
import { convolution, tfPadding, vjpLhsPadding, vjpRhsPadding } from '../window-ops';
import type { LayerRule } from './layer-rule';

/** NHWC input, HWIO kernel, NHWC output. */
const CANONICAL = '[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]';

export const conv2dRule: LayerRule = (b, x, params, layer) => {
  const spec = layer.layer as Conv2dLayerSpec;
  const [k, bias] = params;
  const [n, h, w, c] = x.type.shape as [number, number, number, number];
  const [kh, kw] = pair(spec.kernelSize);
  const [sh, sw] = pair(spec.strides);
  const [oh, ow, f] = layer.outputShape as [number, number, number];
  const pads = [tfPadding(h, kh, sh, spec.padding), tfPadding(w, kw, sw, spec.padding)] as const;
  const conv = convolution(
    b,
    x,
    k!,
    {
      dims: CANONICAL,
      strides: [sh, sw],
      padding: pads,
      lhsDilation: [1, 1],
      rhsDilation: [1, 1],
    },
    [n, oh, ow, f],
  );
  const y = bias ? b.add(conv, b.broadcast(bias, [n, oh, ow, f], [3])) : conv;
  return {
    y,
    backward: (dy, needDx) => {
      const dkT = convolution(
        b,
        b.transpose(x, [3, 1, 2, 0]),
        b.transpose(dy, [1, 2, 0, 3]),
        {
          dims: CANONICAL,
          strides: [1, 1],
          padding: [vjpRhsPadding(h, kh, sh, oh, pads[0]), vjpRhsPadding(w, kw, sw, ow, pads[1])],
          lhsDilation: [1, 1],
          rhsDilation: [sh, sw],
        },
        [c, kh, kw, f],
      );
      const dk = b.transpose(dkT, [1, 2, 0, 3]);
      const grads = [dk];
      if (bias) grads.push(b.reduce(dy, 'add', [0, 1, 2]));
      if (!needDx) return { dx: null, grads };
      const dx = convolution(
        b,
        dy,
        b.transpose(b.reverse(k!, [0, 1]), [0, 1, 3, 2]),
        {
          dims: CANONICAL,
          strides: [1, 1],
          padding: [vjpLhsPadding(h, kh, sh, oh, pads[0]), vjpLhsPadding(w, kw, sw, ow, pads[1])],
          lhsDilation: [sh, sw],
          rhsDilation: [1, 1],
        },
        [n, h, w, c],
      );
      return { dx, grads };
    },
  };
};
