/** Export of a spec-built model: its predict graph with the given weights as initializers. */
import { weightLayoutOf, type ModelSpec } from '@syncline/core';
import { buildSpecPredict } from '../graph/spec-graphs';
import { exportInference } from './export-inference';

/**
 * The model as an inference .onnx file: input `x` [N, ...spec.inputShape] (NHWC for images,
 * as the spec), output `probs` [N, classes].
 * @throws ShapeMismatchError when `weights` does not fit the spec's layout.
 */
export async function exportSpecInference(spec: ModelSpec, weights: Float32Array): Promise<Uint8Array> {
  return exportInference(buildSpecPredict(spec), weightLayoutOf(spec), weights);
}
