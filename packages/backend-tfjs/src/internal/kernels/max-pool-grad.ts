/**
 * A fast MaxPoolGrad kernel for tfjs's wasm backend (its built-in one costs about as
 * much as a forward convolution): plain JavaScript over views of the wasm heap, with
 * the same semantics as tfjs's cpu kernel (the gradient goes to the FIRST maximum of
 * each window in row-major order; padding is never the maximum).
 *
 * Protocol (NHWC; input x [N, H, W, C], dy [N, OH, OW, C]):
 * 1. Allocate dx (makeOutput) first, then take heap views of x, dy and dx (allocation
 *    may grow the heap, which detaches older views); zero dx.
 * 2. For every output position (n, oy, ox): scan its window's in-bounds pixels row by
 *    row, keeping per channel the first position holding the largest value (`>`).
 * 3. dx[argmax_c] += dy[n, oy, ox, c] for every channel (windows may overlap).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The kernel function, for the wasm backend only; register it with registerFastMaxPoolGrad. */
export const fastMaxPoolGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput([...input.shape], 'float32');
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(c);
  const pos = new Int32Array(c);
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(h, oy * sh - top + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(w, ox * sw - left + fw);
        best.fill(-Infinity);
        pos.fill(-1);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const base = ((n * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch]!;
              if (v > best[ch]!) {
                best[ch] = v;
                pos[ch] = base + ch;
              }
            }
          }
        }
        const gBase = ((n * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          const p = pos[ch]!;
          if (p >= 0) dx[p] = dx[p]! + g[gBase + ch]!;
        }
      }
    }
  }
  return out;
};
