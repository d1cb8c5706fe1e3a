/**
 * Elementwise activations and their VJPs: relu (dz = dy where z > 0), sigmoid
 * (dy y (1 - y)), tanh (dy (1 - y²)), softmax over the last axis of any rank
 * (y (dy - Σ dy y)), gelu (gelu.ts), linear (identity). The loss fuses a final softmax itself.
 */
import type { Activation } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';
import { geluRule } from './gelu';
import type { LayerForward } from './layer-rule';
import { softmaxAlong } from './shape-rules';

/** Softmax over the last axis of a rank-2 tensor, stabilised by the row max. */
export function softmax(b: Builder, z: Value): Value {
  const [rows, cols] = z.type.shape as [number, number];
  const shifted = b.sub(z, b.broadcast(b.reduce(z, 'max', [1]), [rows, cols], [0]));
  const e = b.unary('exponential', shifted);
  return b.div(e, b.broadcast(b.reduce(e, 'add', [1]), [rows, cols], [0]));
}

export function activationRule(b: Builder, z: Value, activation: Activation): LayerForward {
  const shape = z.type.shape;
  switch (activation) {
    case 'linear':
      return { y: z, backward: (dy) => ({ dx: dy, grads: [] }) };
    case 'relu': {
      const zero = b.constF(0, shape);
      const y = b.max(z, zero);
      return { y, backward: (dy) => ({ dx: b.select(b.compare(z, zero, 'GT'), dy, zero), grads: [] }) };
    }
    case 'sigmoid': {
      const y = b.unary('logistic', z);
      return { y, backward: (dy) => ({ dx: b.mul(dy, b.mul(y, b.sub(b.constF(1, shape), y))), grads: [] }) };
    }
    case 'tanh': {
      const y = b.unary('tanh', z);
      return { y, backward: (dy) => ({ dx: b.mul(dy, b.sub(b.constF(1, shape), b.mul(y, y))), grads: [] }) };
    }
    case 'softmax': {
      const y = shape.length === 2 ? softmax(b, z) : softmaxAlong(b, z, shape.length - 1);
      return {
        y,
        backward: (dy) => {
          const last = shape.length - 1;
          const dot = b.broadcast(b.reduce(b.mul(dy, y), 'add', [last]), [...shape], [...Array(last).keys()]);
          return { dx: b.mul(y, b.sub(dy, dot)), grads: [] };
        },
      };
    }
    case 'gelu':
      return geluRule(b, z);
  }
}
