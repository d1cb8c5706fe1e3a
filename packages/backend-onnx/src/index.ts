/**
 * @syncline/backend-onnx: Syncline replicas on ONNX Runtime, with gradient graphs generated
 * here (ORT ships no training API for Node). Every export is named.
 */
export { onnx, createOnnxBackend } from './onnx-plugin';
export { OnnxBackend, ONNX_BACKEND_NAME } from './onnx-backend';
export type { OnnxBackendOptions } from './onnx-backend';
export { registerOnnxBackend } from './register';
export type { OnnxSessionOptions } from './replica/session-options';
export { DEFAULT_INTRA_OP_THREADS } from './replica/session-options';
export { buildSpecGraphs } from './graph/spec-graphs';
export type { SpecGraphs } from './graph/spec-graphs';
export { encodeModel, decodeModel, OPSET_VERSION } from './proto/onnx-proto';
export type { ModelProto, GraphProto, NodeProto, TensorProto, AttributeProto, ValueInfoProto } from './proto/onnx-proto';
export { GRAD_RULES } from './graph/rules/index';
export { importOnnxModel, ImportedOnnxModel } from './model-io/import-onnx';
export type { OnnxImportOptions } from './model-io/import-onnx';
export { exportSpecInference } from './model-io/export-spec';
export { describeOnnxModelFile, exportOnnxModelFile } from './model-io/onnx-file';
export type { OnnxModelSummary } from './model-io/onnx-file';
export { GraphBuilder, floatTensor, int64Tensor } from './graph/graph-builder';
export type { AttrValue, Attrs, Dim } from './graph/graph-builder';
export { differentiate } from './graph/autodiff';
export type { GradRule, GradContext } from './graph/grad-rule';
