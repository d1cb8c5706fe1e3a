/**
 * A fast Conv2DBackpropInput kernel for tfjs's wasm backend, whose built-in one is a
 * plain loop about 7x slower than its forward convolution: the input gradient computed
 * as one forward conv2d of the (dilated, padded) output gradient with the flipped filter.
 *
 * Protocol (NHWC; dy [N, OH, OW, F], filter W [KH, KW, C, F], strides sh, sw, forward
 * padding top/left from computeConv2DInfo, input [N, H, W, C]):
 * 1. Dilate dy by the strides: sh - 1 zero rows after every row and sw - 1 zero columns
 *    after every column (pads on reshaped views), giving [N, OH*sh, OW*sw, F].
 * 2. Pad (or crop) to P [N, H + KH - 1, W + KW - 1, F] with KH - 1 - top rows above and
 *    KW - 1 - left columns on the left.
 * 3. Wf = transpose(reverse(W, [0, 1]), [0, 1, 3, 2]) -> [KH, KW, F, C] (the filter
 *    flipped in space, channels swapped).
 * 4. dx = conv2d(P, Wf, stride 1, 'valid') -> [N, H, W, C], because
 *    dx[n, i, j, c] = sum_{a, b, f} dy[n, (i + top - a)/sh, (j + left - b)/sw, f] * W[a, b, c, f]
 *    over the terms where the division is exact and in range.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { UnsupportedOperationError } from '@syncline/core';

interface BackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** Inserts `stride - 1` zeros after every element along axis 1 of a 4-D tensor. */
function dilateAxis1(t: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (stride === 1) return t;
  const [n, a, b, c] = t.shape;
  const spread = tf.pad(tf.reshape(t, [n, a, 1, b * c]), [
    [0, 0],
    [0, 0],
    [0, stride - 1],
    [0, 0],
  ]);
  return tf.reshape(spread, [n, a * stride, b, c]);
}

/** Pads (positive) or crops (negative) axis `axis` of a 4-D tensor at its start and end. */
function padOrCrop(t: tf.Tensor4D, axis: 1 | 2, before: number, after: number): tf.Tensor4D {
  const pads: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  pads[axis] = [Math.max(before, 0), Math.max(after, 0)];
  let out = before > 0 || after > 0 ? tf.pad(t, pads) : t;
  if (before < 0 || after < 0) {
    const begin = [0, 0, 0, 0];
    const size = [...out.shape] as number[];
    begin[axis] = Math.max(-before, 0);
    size[axis] = size[axis]! - begin[axis]! - Math.max(-after, 0);
    out = tf.slice(out, begin, size);
  }
  return out;
}

/** The kernel function; register it with registerFastConv2DBackpropInput. */
export const fastConv2DBackpropInput: KernelFunc = ({ inputs, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as BackpropInputAttrs;
  if (dataFormat !== 'NHWC') {
    throw new UnsupportedOperationError(
      'kernel',
      'Conv2DBackpropInput (syncline fast path)',
      `dataFormat "${dataFormat}"`,
      'Use NHWC, as Syncline model specs do',
    );
  }
  const filterShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const engine = tf.engine();
  // Inputs are TensorInfos (not Tensors): the first op on each goes through runKernel.
  // A Reshape to the same shape is a Tensor that shares the data (no copy).
  const asTensor = (t: TensorInfo): tf.Tensor4D =>
    engine.runKernel('Reshape', { x: t } as unknown as tf.NamedTensorMap, { shape: [...t.shape] }) as tf.Tensor4D;
  const dyT = asTensor(dy);
  const wT = asTensor(filter);
  try {
    return tf.tidy(() => {
      const [, h, w] = inputShape;
      const kh = info.filterHeight;
      const kw = info.filterWidth;
      const { top, left } = info.padInfo;
      const rows = dilateAxis1(dyT, info.strideHeight);
      const cols = info.strideWidth === 1 ? rows : tf.transpose(dilateAxis1(tf.transpose(rows, [0, 2, 1, 3]), info.strideWidth), [0, 2, 1, 3]);
      const padTop = kh - 1 - top;
      const padLeft = kw - 1 - left;
      const p1 = padOrCrop(cols, 1, padTop, h + kh - 1 - padTop - cols.shape[1]);
      const p = padOrCrop(p1, 2, padLeft, w + kw - 1 - padLeft - p1.shape[2]);
      const flipped = tf.transpose(tf.reverse(wT, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      return tf.conv2d(p, flipped, 1, 'valid');
    });
  } finally {
    dyT.dispose();
    wT.dispose();
  }
};
