/**
 * MaxPool2D over NHWC: reduce_window max (padding counts as -inf). VJP: select_and_scatter
 * sends each window's cotangent to its first maximal element, as tfjs, ONNX and PyTorch do.
 */
import { pair, type MaxPool2dLayerSpec } from '@syncline/core';
import { reduceWindow, selectAndScatter, tfPadding, type WindowSpec } from '../window-ops';
import type { LayerRule } from './layer-rule';

/** The NHWC window of a pooling layer (shared with average pooling). */
export function poolWindow(spec: Pick<MaxPool2dLayerSpec, 'poolSize' | 'strides' | 'padding'>, h: number, w: number): WindowSpec {
  const [ph, pw] = pair(spec.poolSize);
  const [sh, sw] = pair(spec.strides ?? spec.poolSize);
  return {
    window: [1, ph, pw, 1],
    strides: [1, sh, sw, 1],
    padding: [[0, 0], tfPadding(h, ph, sh, spec.padding), tfPadding(w, pw, sw, spec.padding), [0, 0]],
  };
}

export const maxPool2dRule: LayerRule = (b, x, _params, layer) => {
  const [, h, w] = x.type.shape as [number, number, number, number];
  const win = poolWindow(layer.layer as MaxPool2dLayerSpec, h, w);
  const y = reduceWindow(b, x, 'max', win);
  return { y, backward: (dy) => ({ dx: selectAndScatter(b, x, dy, win), grads: [] }) };
};
