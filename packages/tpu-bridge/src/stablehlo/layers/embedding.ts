/**
 * Token and position embeddings.
 * - embedding: ids travel as floats [B, L]; each becomes the row of the [inputDim,
 *   outputDim] table that its id truncated toward zero names (the onnx backend's Cast to
 *   int64), -> [B, L, outputDim], by one stablehlo.gather (no [B, L, inputDim] one-hot, so a
 *   large vocabulary costs no memory). Ids are clamped into [0, inputDim) (ONNX refuses
 *   others; XLA's gather would clamp them anyway, its scatter would drop them).
 *   Params: [embeddings]. VJP: d table = scatter-add of dy's rows into the ids' rows; no dx
 *   (ids are not differentiable; dx is null).
 * - positionEmbedding: y = x + table for x [B, L, F], table [L, F]. Params: [embeddings].
 *   VJP: dx = dy, d table = Σ_batch dy.
 */
import type { Builder } from '../builder';
import { i64Array, type Value } from '../tensor-type';
import type { LayerRule } from './layer-rule';

/** Row indices [B, L, 1] (i32) of float ids [B, L], clamped into [0, rows). */
function rowIndices(b: Builder, ids: Value, rows: number): Value {
  const i = b.convert(ids, 'i32');
  const clamped = b.min(b.max(i, b.constI(0, i.type.shape)), b.constI(rows - 1, i.type.shape));
  return b.reshape(clamped, [...i.type.shape, 1]);
}

function gatherRows(b: Builder, table: Value, index: Value): Value {
  const lead = index.type.shape.slice(0, -1);
  const width = table.type.shape[1]!;
  const dims = `#stablehlo.gather<offset_dims = [${lead.length}], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = ${lead.length}>`;
  return b.op(
    'stablehlo.gather',
    [table, index],
    { shape: [...lead, width], dtype: 'f32' },
    `{dimension_numbers = ${dims}, indices_are_sorted = false, slice_sizes = ${i64Array([1, width])}}`,
  );
}

/** Σ of `updates` [..., D] into the rows `index` [..., 1] names of a zero [rows, D] table. */
function scatterAddRows(b: Builder, rows: number, index: Value, updates: Value): Value {
  const lead = index.type.shape.slice(0, -1);
  const width = updates.type.shape[lead.length]!;
  const zeros = b.constF(0, [rows, width]);
  const dims = `#stablehlo.scatter<update_window_dims = [${lead.length}], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = ${lead.length}>`;
  return b.op(
    'stablehlo.scatter',
    [zeros, index, updates],
    zeros.type,
    `{indices_are_sorted = false, scatter_dimension_numbers = ${dims}, unique_indices = false}`,
    [b.reducer('add')],
  );
}

export const embeddingRule: LayerRule = (b, ids, params) => {
  const table = params[0]!;
  const rows = table.type.shape[0]!;
  const index = rowIndices(b, ids, rows);
  const y = gatherRows(b, table, index);
  return { y, backward: (dy) => ({ dx: null, grads: [scatterAddRows(b, rows, index, dy)] }) };
};

export const positionEmbeddingRule: LayerRule = (b, x, params) => {
  const table = params[0]!;
  const y = b.add(x, b.broadcast(table, x.type.shape, [1, 2]));
  return { y, backward: (dy) => ({ dx: dy, grads: [b.reduce(dy, 'add', [0])] }) };
};
