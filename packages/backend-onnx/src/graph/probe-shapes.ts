/**
 * Learns every intermediate value's static shape by running the forward graph once on a
 * small dummy batch with all node outputs exposed. Rules use only non-batch dimensions,
 * so dimension 0 of batch-carrying values is reported as -1.
 */
import type * as ort from 'onnxruntime-node';
import { encodeModel, type ModelProto } from '../proto/onnx-proto';
import { createSession } from '../replica/session-options';

/** Batch size of the probe run (2, so batch dims are told apart from singleton ones). */
export const PROBE_BATCH = 2;

/** Small integer tensors recorded by value (Slice bounds PyTorch computes from weight shapes). */
const MAX_RECORDED_INTS = 16;

/**
 * @param intValues when given, filled with the values of every int64 output of at most 16
 *   elements; the caller keeps those a second probe with another batch size reproduces
 *   (constants in effect, such as Slice bounds PyTorch computes from a shape).
 */
export async function probeShapes(
  model: ModelProto,
  feeds: Record<string, ort.Tensor>,
  batchInputs: readonly string[],
  intValues?: Map<string, number[]>,
): Promise<Map<string, number[]>> {
  const batchValues = new Set(batchInputs);
  for (const n of model.graph.node) {
    if (n.op_type !== 'Shape' && n.input.some((i) => batchValues.has(i))) n.output.forEach((o) => batchValues.add(o));
  }
  const names = new Set<string>();
  for (const n of model.graph.node) for (const o of n.output) if (o) names.add(o);
  const graph = { ...model.graph, output: [...names].map((name) => ({ name })) };
  const session = await createSession(encodeModel({ ...model, graph }), 'shape-probe');
  try {
    const out = await session.run(feeds);
    const shapes = new Map<string, number[]>();
    for (const [name, t] of Object.entries(feeds)) shapes.set(name, [...t.dims]);
    for (const [name, t] of Object.entries(out)) shapes.set(name, [...t.dims]);
    for (const [name, dims] of shapes) if (batchValues.has(name) && dims[0] === PROBE_BATCH) dims[0] = -1;
    if (intValues) {
      for (const [name, t] of Object.entries(out)) {
        if (t.type === 'int64' && t.size <= MAX_RECORDED_INTS) intValues.set(name, Array.from(t.data as BigInt64Array, Number));
      }
    }
    return shapes;
  } finally {
    await session.release();
  }
}
