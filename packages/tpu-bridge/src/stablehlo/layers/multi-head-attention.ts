/**
 * Multi-head scaled dot-product attention (Keras MultiHeadAttention) with the onnx
 * backend's forward semantics, and its hand-written VJP.
 *
 * Inputs (LayerShapes.inputs order): [query] (self-attention), [query, value] (keys are the
 * value), each followed by the padding mask's token ids [B, Lv] when `paddingMask` is set.
 * Params (LayerShapes order): query, key, value, output kernels, each followed by its bias
 * when `useBias`; all trainable.
 *
 *   Q = (x Wq + bq) / √keyDim, K = v Wk + bk, V = v Wv + bv, split into heads [B, H, L, keyDim]
 *   S = Q Kᵀ (+ -1e9 on keys whose id is 0), P = softmax(S) over keys, C = P V
 *   y = merge(C) Wo + bo
 *
 * A query row whose keys are all padding gets -1e9 on every score, so its softmax is uniform
 * (as in onnx and Keras), never NaN. VJP: dC from the output projection; dP = dC Vᵀ,
 * dV = Pᵀ dC; dS = P (dP - Σ dP P); dQ = dS K / √keyDim, dK = dSᵀ Q; then each projection's
 * own VJP. Self-attention sums the query, key and value cotangents into its one input; the
 * mask gets none (null).
 *
 * The key bias's gradient is exactly zero: it adds q·bk to every score of a query row, which
 * softmax ignores (Σ_j dS_ij = 0). It is returned as zeros rather than as the float32 rounding
 * noise autodiff would produce, which Adam-like optimizers would turn into lr-sized steps.
 */
import { ShapeMismatchError, UnsupportedOperationError } from '@syncline/core';
import type { Value } from '../tensor-type';
import { headDot, mergeHeads, project, softmaxLast, softmaxLastBackward, splitHeads } from './attention-ops';
import type { GraphRule } from './layer-rule';

/** Keras' large negative for float32 masks, added to the scores of padded keys (as onnx does). */
const MASKED_SCORE = -1e9;

export const multiHeadAttentionRule: GraphRule = (b, xs, params, layer) => {
  const spec = layer.layer;
  if (spec.type !== 'multiHeadAttention') throw new UnsupportedOperationError('layer', spec.type, 'the multiHeadAttention rule');
  const { numHeads, keyDim, useBias } = spec;
  const masked = spec.paddingMask !== undefined;
  const cross = xs.length === (masked ? 3 : 2);
  const query = xs[0]!;
  const value = cross ? xs[1]! : query;
  const ids = masked ? xs[xs.length - 1]! : undefined;
  const batch = query.type.shape[0]!;
  const lv = value.type.shape[1]!;
  if (query.type.shape.length !== 3 || value.type.shape.length !== 3 || value.type.shape[0] !== batch) {
    throw new ShapeMismatchError(
      `${layer.name}: multiHeadAttention needs [batch, length, features] inputs, got [${query.type.shape}] and [${value.type.shape}]`,
    );
  }
  if (ids && (ids.type.shape.length !== 2 || ids.type.shape[0] !== batch || ids.type.shape[1] !== lv)) {
    throw new ShapeMismatchError(`${layer.name}: padding mask must be [${batch}, ${lv}] token ids, got [${ids.type.shape}]`);
  }
  const step = useBias ? 2 : 1;
  const kernel = (k: number): Value => params[k * step]!;
  const bias = (k: number): Value | undefined => (useBias ? params[k * step + 1] : undefined);
  const scale = 1 / Math.sqrt(keyDim);

  const pq = project(b, query, kernel(0), bias(0));
  const pk = project(b, value, kernel(1), bias(1));
  const pv = project(b, value, kernel(2), bias(2));
  const q = splitHeads(b, b.scale(pq.z, scale), numHeads);
  const k = splitHeads(b, pk.z, numHeads);
  const v = splitHeads(b, pv.z, numHeads);
  // [B, H, Lq, K] x [B, H, Lv, K] -> [B, H, Lq, Lv]
  let scores = headDot(b, q, k, 3, 3);
  if (ids) {
    const zero = ids.type.dtype === 'f32' ? b.constF(0, ids.type.shape) : b.constI(0, ids.type.shape);
    const padded = b.compare(ids, zero, 'EQ');
    const keyBias = b.select(padded, b.constF(MASKED_SCORE, ids.type.shape), b.constF(0, ids.type.shape));
    scores = b.add(scores, b.broadcast(keyBias, scores.type.shape, [0, 3]));
  }
  const p = softmaxLast(b, scores);
  // [B, H, Lq, Lv] x [B, H, Lv, K] -> [B, H, Lq, K]
  const context = headDot(b, p, v, 3, 2);
  const po = project(b, mergeHeads(b, context), kernel(3), bias(3));

  return {
    y: po.z,
    backward: (dy) => {
      const out = po.backward(dy);
      const dContext = splitHeads(b, out.dx, numHeads);
      const dP = headDot(b, dContext, v, 3, 3);
      const dV = headDot(b, p, dContext, 2, 2);
      const dS = softmaxLastBackward(b, p, dP);
      const dQ = headDot(b, dS, k, 3, 2);
      const dK = headDot(b, dS, q, 2, 2);
      const bq = pq.backward(b.scale(mergeHeads(b, dQ), scale));
      const bk = pk.backward(mergeHeads(b, dK));
      const bv = pv.backward(mergeHeads(b, dV));
      const dValue = b.add(bk.dx, bv.dx);
      const dxs: (Value | null)[] = cross ? [bq.dx, dValue] : [b.add(bq.dx, dValue)];
      if (ids) dxs.push(null);
      const keyGrads = useBias ? [bk.grads[0]!, b.constF(0, bk.grads[1]!.type.shape)] : bk.grads;
      return { dxs, grads: [...bq.grads, ...keyGrads, ...bv.grads, ...out.grads] };
    },
  };
};
