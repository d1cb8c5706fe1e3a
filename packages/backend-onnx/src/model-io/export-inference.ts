/**
 * Export: a predict graph (x and parameters in, probs out) becomes a self-contained
 * inference model: each parameter input is replaced by an initializer holding the
 * trained values from the flat weight buffer. onnxruntime (Node or Python) runs it as is.
 */
import { ShapeMismatchError, type WeightLayout } from '@syncline/core';
import { floatTensor } from '../graph/graph-builder';
import { encodeModel, type ModelProto } from '../proto/onnx-proto';

export function exportInference(predict: ModelProto, layout: WeightLayout, weights: Float32Array): Uint8Array {
  if (weights.length !== layout.totalSize) {
    throw new ShapeMismatchError(`export got ${weights.length} weights; the layout holds ${layout.totalSize}`);
  }
  const params = new Set(layout.entries.map((e) => e.name));
  const graph = {
    ...predict.graph,
    input: predict.graph.input.filter((i) => !params.has(i.name)),
    initializer: [...predict.graph.initializer, ...layout.entries.map((e) => floatTensor(e.name, e.shape, weights.subarray(e.offset, e.offset + e.size)))],
  };
  return encodeModel({ ...predict, producer_name: '@syncline/backend-onnx', graph });
}
