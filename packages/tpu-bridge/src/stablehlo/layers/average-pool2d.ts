/**
 * AveragePool2D over NHWC. Like TensorFlow, 'same' padding averages over the real
 * elements of each window only (a per-position count, computed once as a constant window sum of ones).
 * VJP: dy / count, dilated by the strides and padded (the transpose of a window sum),
 * then a stride-1 window sum.
 */
import type { AveragePool2dLayerSpec } from '@syncline/core';
import { reduceWindow, vjpLhsPadding } from '../window-ops';
import type { LayerRule } from './layer-rule';
import { poolWindow } from './max-pool2d';

export const averagePool2dRule: LayerRule = (b, x, _params, layer) => {
  const shape = x.type.shape as [number, number, number, number];
  const win = poolWindow(layer.layer as AveragePool2dLayerSpec, shape[1], shape[2]);
  const sum = reduceWindow(b, x, 'add', win);
  const count = reduceWindow(b, b.constF(1, shape), 'add', win);
  const y = b.div(sum, count);
  return {
    y,
    backward: (dy) => {
      const g = b.div(dy, count);
      const pads = shape.map((n, i) => vjpLhsPadding(n, win.window[i]!, win.strides[i]!, dy.type.shape[i]!, win.padding[i]!));
      const padded = b.pad(
        g,
        b.constF(0),
        pads.map((p) => p[0]),
        pads.map((p) => p[1]),
        win.strides.map((s) => s - 1),
      );
      const dx = reduceWindow(b, padded, 'add', {
        window: win.window,
        strides: [1, 1, 1, 1],
        padding: [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      });
      return { dx, grads: [] };
    },
  };
};
