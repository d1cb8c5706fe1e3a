/**
 * ONNX emitters for sequence layers ([N, length, features]), in ops the autodiff rules cover:
 * - dense on the last axis: MatMul(x, W) + b;
 * - multiHeadAttention (Keras): Q, K, V projections reshaped to [N, L, heads, keyDim] and
 *   transposed to [N, heads, L, keyDim]; Q scaled by 1 / sqrt(keyDim); Softmax(Q K^T +
 *   mask) over the last axis, the mask -1e9 on padded keys (token id 0; the ids carry no
 *   gradient); times V; heads merged back and projected;
 * - globalAveragePooling1d: ReduceMean over the length axis (keepdims), then Flatten.
 */
import { DataType } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';

/** Keras' large negative number for float32 masks: added to the scores of padded keys. */
const MASKED_SCORE = -1e9;

/** Default-opset version from which ReduceMean takes its axes as an input. */
const REDUCE_AXES_AS_INPUT_OPSET = 18;
const HEADS_FIRST = [0, 2, 1, 3];

export function emitSequenceDense(b: GraphBuilder, x: string, kernel: string, bias: string | undefined): string {
  const y = b.op('MatMul', [x, kernel]);
  return bias ? b.op('Add', [y, bias]) : y;
}

/** `params`: query, key, value, output kernels, each followed by its bias when `useBias`. */
export function emitMultiHeadAttention(
  b: GraphBuilder,
  query: string,
  value: string,
  lengths: { query: number; value: number },
  params: readonly string[],
  numHeads: number,
  keyDim: number,
  useBias: boolean,
  paddingIds?: string,
): string {
  const step = useBias ? 2 : 1;
  const proj = (t: string, k: number): string => emitSequenceDense(b, t, params[k * step]!, useBias ? params[k * step + 1] : undefined);
  const heads = (t: string, length: number): string =>
    b.op('Transpose', [b.op('Reshape', [t, b.constInt64([-1, length, numHeads, keyDim])])], { perm: HEADS_FIRST });
  const q = heads(b.op('Mul', [proj(query, 0), b.scalar(1 / Math.sqrt(keyDim))]), lengths.query);
  const k = heads(proj(value, 1), lengths.value);
  const v = heads(proj(value, 2), lengths.value);
  let scores = b.op('MatMul', [q, b.op('Transpose', [k], { perm: [0, 1, 3, 2] })]);
  if (paddingIds) {
    // -1e9 (Keras' large negative for float32) on keys whose token id is 0, as [batch, 1, 1, keys]
    const padded = b.op('Cast', [b.op('Equal', [paddingIds, b.scalar(0)])], { to: DataType.FLOAT });
    const bias = b.op('Reshape', [b.op('Mul', [padded, b.scalar(MASKED_SCORE)]), b.constInt64([-1, 1, 1, lengths.value])]);
    scores = b.op('Add', [scores, bias]);
  }
  const context = b.op('MatMul', [b.op('Softmax', [scores], { axis: -1 }), v]);
  const merged = b.op('Reshape', [b.op('Transpose', [context], { perm: HEADS_FIRST }), b.constInt64([-1, lengths.query, numHeads * keyDim])]);
  return proj(merged, 3);
}

export function emitGlobalAveragePool1d(b: GraphBuilder, x: string): string {
  const mean =
    b.opset >= REDUCE_AXES_AS_INPUT_OPSET ? b.op('ReduceMean', [x, b.constInt64([1])], { keepdims: 1 }) : b.op('ReduceMean', [x], { axes: [1], keepdims: 1 });
  return b.op('Flatten', [mean], { axis: 1 });
}
