/**
 * Keras merges of two or more inputs: add (each input's cotangent is dy), multiply
 * (dy times the product of the other inputs), concatenate along one axis (Keras
 * numbering; each input gets its slice of dy).
 */
import { exampleAxis, type LayerSpec } from '@syncline/core';
import type { Value } from '../tensor-type';
import type { GraphRule } from './layer-rule';

export const addRule: GraphRule = (b, xs) => {
  const y = xs.slice(1).reduce((acc, x) => b.add(acc, x), xs[0]!);
  return { y, backward: (dy) => ({ dxs: xs.map(() => dy), grads: [] }) };
};

export const multiplyRule: GraphRule = (b, xs) => {
  const y = xs.slice(1).reduce((acc, x) => b.mul(acc, x), xs[0]!);
  const othersProduct = (skip: number): Value => xs.filter((_, j) => j !== skip).reduce<Value | null>((acc, x) => (acc ? b.mul(acc, x) : x), null)!;
  return { y, backward: (dy) => ({ dxs: xs.map((_, k) => b.mul(dy, othersProduct(k))), grads: [] }) };
};

export const concatenateRule: GraphRule = (b, xs, _params, layer) => {
  const rank = xs[0]!.type.shape.length;
  const axis = exampleAxis((layer.layer as Extract<LayerSpec, { type: 'concatenate' }>).axis, rank - 1) + 1;
  const y = b.concatenate(xs, axis);
  return {
    y,
    backward: (dy) => {
      let at = 0;
      const dxs = xs.map((x) => {
        const start = dy.type.shape.map((_, i) => (i === axis ? at : 0));
        const limit = dy.type.shape.map((n, i) => (i === axis ? at + x.type.shape[axis]! : n));
        at += x.type.shape[axis]!;
        return b.slice(dy, start, limit);
      });
      return { dxs, grads: [] };
    },
  };
};
