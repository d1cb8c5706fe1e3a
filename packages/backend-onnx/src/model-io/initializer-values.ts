/** Float32 values of an ONNX initializer (raw little-endian bytes or float_data). */
import { BackendError } from '@syncline/core';
import { DataType, type TensorProto } from '../proto/onnx-proto';

export function floatValues(t: TensorProto): Float32Array {
  const size = t.dims.reduce((a, c) => a * Number(c), 1);
  if (t.data_type !== DataType.FLOAT)
    throw new BackendError('onnx', `initializer "${t.name}" has ONNX data type ${t.data_type}; only float32 parameters are trained`);
  if (t.data_location === 1) throw new BackendError('onnx', `initializer "${t.name}" keeps its data in an external file; load models with embedded weights`);
  if (t.raw_data && t.raw_data.byteLength > 0) {
    const copy = Uint8Array.from(t.raw_data);
    if (copy.byteLength !== size * 4) throw new BackendError('onnx', `initializer "${t.name}" holds ${copy.byteLength} bytes for ${size} floats`);
    return new Float32Array(copy.buffer, copy.byteOffset, size);
  }
  const data = Float32Array.from(t.float_data ?? []);
  if (data.length !== size) throw new BackendError('onnx', `initializer "${t.name}" holds ${data.length} values for dims [${t.dims.join(', ')}]`);
  return data;
}
