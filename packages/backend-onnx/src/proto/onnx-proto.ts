/**
 * ONNX model (de)serialisation with protobufjs over the trimmed onnx.proto, plus the
 * plain-object types the rest of the package builds graphs with (snake_case, as in
 * onnx.proto, so they map one to one onto the wire format).
 */
import protobuf from 'protobufjs';
import { BackendError } from '@syncline/core';
import { ONNX_PROTO_TEXT } from './onnx-proto-text';

/** ONNX TensorProto.DataType values this package uses. */
export const DataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
/** ONNX AttributeProto.AttributeType values. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;
/** IR version written into models we build (ONNX 1.14+ / ORT >= 1.15 accept it). */
export const IR_VERSION = 9;
/** Default-domain opset version of every graph we build. */
export const OPSET_VERSION = 17;

export interface TensorProto {
  name?: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  data_location?: number;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute: AttributeProto[];
}

export interface ValueInfoProto {
  name: string;
  type?: { tensor_type?: { elem_type: number; shape?: { dim: { dim_value?: number; dim_param?: string }[] } } };
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  producer_name?: string;
  producer_version?: string;
  graph: GraphProto;
}

let modelType: protobuf.Type | undefined;

function getModelType(): protobuf.Type {
  if (!modelType) {
    const root = protobuf.parse(ONNX_PROTO_TEXT, { keepCase: true }).root;
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = getModelType();
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Parses ONNX protobuf bytes. int64 fields become JS numbers (exact below 2^53).
 * @throws BackendError when the bytes are not an ONNX model.
 */
export function decodeModel(bytes: Uint8Array, source = 'model'): ModelProto {
  const type = getModelType();
  let obj: Record<string, unknown>;
  try {
    obj = type.toObject(type.decode(bytes), { longs: Number, arrays: true, defaults: false }) as Record<string, unknown>;
  } catch (cause) {
    throw new BackendError('onnx', `cannot decode ${source} as an ONNX ModelProto (${String(cause)}); is it an .onnx file?`, { cause });
  }
  const model = obj as unknown as ModelProto;
  if (!model.graph) throw new BackendError('onnx', `${source} holds no graph; is it an .onnx model file?`);
  const g = model.graph;
  g.node ??= [];
  g.initializer ??= [];
  g.input ??= [];
  g.output ??= [];
  for (const n of g.node) {
    n.input ??= [];
    n.output ??= [];
    n.attribute ??= [];
  }
  return model;
}
