/** Reads constant integer tensors (initializers, Constant nodes) of a graph under construction. */
import { DataType, type TensorProto } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';

/** Integer values of an int64/int32 tensor proto. */
export function tensorInts(t: TensorProto): number[] | undefined {
  if (t.data_type !== DataType.INT64 && t.data_type !== DataType.INT32) return undefined;
  if (t.int64_data && t.int64_data.length > 0) return t.int64_data.map(Number);
  if (t.int32_data && t.int32_data.length > 0) return t.int32_data.map(Number);
  if (t.raw_data) {
    const bytes = Uint8Array.from(t.raw_data);
    const view = new DataView(bytes.buffer);
    const width = t.data_type === DataType.INT64 ? 8 : 4;
    return Array.from({ length: bytes.byteLength / width }, (_, i) => (width === 8 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true)));
  }
  return t.dims.reduce((a, c) => a * c, 1) === 0 ? [] : undefined;
}

/** A lookup for GradContext.constInts over a builder's initializers and Constant nodes. */
export function constIntsOf(b: GraphBuilder): (name: string) => number[] | undefined {
  return (name) => {
    const init = b.initializers.find((t) => t.name === name);
    if (init) return tensorInts(init);
    const node = b.nodes.find((n) => n.op_type === 'Constant' && n.output[0] === name);
    const t = node?.attribute.find((a) => a.name === 'value')?.t;
    return t ? tensorInts(t) : undefined;
  };
}
