/**
 * Elementwise activations and their VJPs: relu (dz = dy where z > 0), sigmoid
 * (dy y (1 - y)), tanh (dy (1 - y²)), softmax over the last axis
 * (y (dy - Σ dy y)), linear (identity). The loss fuses a final softmax itself.
 */
import { UnsupportedOperationError, type Activation } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';
import type { LayerForward } from './layer-rule';

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
      if (shape.length !== 2) throw new Error(`softmax needs a [batch, classes] input, got [${shape.join(', ')}]`);
      const y = softmax(b, z);
      return {
        y,
        backward: (dy) => {
          const dot = b.broadcast(b.reduce(b.mul(dy, y), 'add', [1]), [...shape], [0]);
          return { dx: b.mul(y, b.sub(dy, dot)), grads: [] };
        },
      };
    }
    case 'gelu':
      throw new UnsupportedOperationError('backend', 'pjrt', 'the gelu activation', 'use the tfjs or onnx backend');
  }
}
