/**
 * A fast Conv2DBackpropFilter kernel for tfjs backends that lack one (wasm) or have a
 * slow one (cpu): the filter gradient computed as one forward conv2d on transposed
 * tensors, so it runs on the backend's optimised forward convolution.
 *
 * Protocol (NHWC; x [N, H, W, C], dy [N, OH, OW, F], strides sh, sw):
 * 1. Pad x with the forward pass's padding (TensorFlow's 'same'/'valid'/explicit rules,
 *    via computeConv2DInfo), giving [N, Hp, Wp, C].
 * 2. xT = transpose(xPadded, [3, 1, 2, 0]) -> [C, Hp, Wp, N]: channels become the batch,
 *    examples become the channels that the convolution sums over.
 * 3. dyT = transpose(dy, [1, 2, 0, 3]) -> [OH, OW, N, F]: dy becomes the filter.
 * 4. r = conv2d(xT, dyT, stride 1, 'valid', dilations [sh, sw]) -> [C, Hp-(OH-1)sh, Wp-(OW-1)sw, F],
 *    because dW[i, j, c, f] = sum_{n, oh, ow} xPadded[n, oh*sh + i, ow*sw + j, c] * dy[n, oh, ow, f].
 * 5. Keep the first KH x KW rows/columns of r (the rest are window offsets the forward
 *    pass never used), and transpose [1, 2, 0, 3] -> dW [KH, KW, C, F].
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { UnsupportedOperationError } from '@syncline/core';

const TO_CHANNELS_AS_BATCH = [3, 1, 2, 0];
const DY_AS_FILTER = [1, 2, 0, 3];
const RESULT_TO_FILTER = [1, 2, 0, 3];

interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The kernel function; register it with registerFastConv2DBackpropFilter. */
export const fastConv2DBackpropFilter: KernelFunc = ({ inputs, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as BackpropFilterAttrs;
  if (dataFormat !== 'NHWC') {
    throw new UnsupportedOperationError(
      'kernel',
      'Conv2DBackpropFilter (syncline fast path)',
      `dataFormat "${dataFormat}"`,
      'Use NHWC, as Syncline model specs do',
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const engine = tf.engine();
  // Inputs are TensorInfos (not Tensors): the first op on each goes through runKernel.
  const transpose = (t: TensorInfo, perm: number[]): tf.Tensor4D =>
    engine.runKernel('Transpose', { x: t } as unknown as tf.NamedTensorMap, { perm }) as tf.Tensor4D;
  const xT = transpose(x, TO_CHANNELS_AS_BATCH);
  const dyT = transpose(dy, DY_AS_FILTER);
  try {
    return tf.tidy(() => {
      const { top, bottom, left, right } = info.padInfo;
      const padded =
        top + bottom + left + right > 0
          ? tf.pad(xT, [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ])
          : xT;
      const r = tf.conv2d(padded, dyT, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
      const kh = info.filterHeight;
      const kw = info.filterWidth;
      const cropped = r.shape[1] === kh && r.shape[2] === kw ? r : tf.slice(r, [0, 0, 0, 0], [-1, kh, kw, -1]);
      return tf.transpose(cropped, RESULT_TO_FILTER);
    });
  } finally {
    xT.dispose();
    dyT.dispose();
  }
};
