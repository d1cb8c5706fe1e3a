/**
 * Faster gradients on tfjs-node's native "tensorflow" backend, through TensorFlow's own
 * gradient kernels (tfjs-node builds them from generic ops, which dominated the CNN step):
 *
 * - Relu: tfjs-core's gradient is dy * cast(step(x)), and tfjs-node's Step kernel is six
 *   eager ops (IsNan, Greater, Fill, Select, ...), about a third of a CNN step. Ours calls
 *   TF's fused `ReluGrad(dy, x)` = dy where x > 0, else 0 (the same values; the only
 *   difference is a NaN input, whose gradient is 0 instead of NaN, as in TensorFlow).
 *   Gradients are registered per kernel name, not per backend, so our Relu gradient
 *   calls the native kernel only while "tensorflow" is the active backend and tfjs-core's
 *   own gradient otherwise (wasm and cpu are untouched).
 * - MaxPoolGrad: TF's `MaxPoolGrad` recomputes each window's argmax with a slow generic
 *   loop. Ours runs `MaxPoolWithArgmax` (int64 indices per image, kept inside TensorFlow) and scatters dy with
 *   `MaxPoolGradWithArgmax`: the same rule (the FIRST maximum of a window in row-major
 *   order gets the gradient, as Keras and tfjs's cpu kernel do), in less time.
 * Registered by backend selection when tfjs-node starts (registerNativeGradients), never
 * on import; re-registering is a no-op.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

export const NATIVE_BACKEND = 'tensorflow';
/** Our kernel name for TF's ReluGrad op (tfjs has no kernel of that name). */
export const RELU_GRAD = 'ReluGrad';
const RELU = 'Relu';
const MAX_POOL_GRAD = 'MaxPoolGrad';

/** The parts of tfjs-node's NodeJSKernelBackend we call (its kernels use the same). */
interface NativeBackend {
  readonly binding: {
    readonly TF_ATTR_TYPE: number;
    readonly TF_ATTR_INT: number;
    readonly TF_ATTR_STRING: number;
    readonly TF_ATTR_BOOL: number;
    /** Runs a TF eager op on the binding's tensor ids; returns the outputs' metadata. */
    executeOp(name: string, attrs: unknown[], inputIds: number[], numOutputs: number): TensorMetadata[];
    deleteTensor(id: number): void;
  };
  executeSingleOutput(name: string, attrs: unknown[], inputs: TensorInfo[]): tf.Tensor;
  getInputTensorIds(inputs: TensorInfo[]): number[];
  createOutputTensor(metadata: TensorMetadata): tf.Tensor;
}
interface TensorMetadata {
  readonly id: number;
}

/** TF_DataType numbers (tensorflow/c/tf_datatype.h): float32 1, int64 9. */
const TF_FLOAT = 1;
const TF_INT64 = 9;

const reluGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const native = backend as unknown as NativeBackend;
  return native.executeSingleOutput(RELU_GRAD, [{ name: 'T', type: native.binding.TF_ATTR_TYPE, value: TF_FLOAT }], [dy, x]);
};

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const maxPoolGradKernel: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as PoolAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const type = info.padInfo.type;
  if (type !== 'VALID' && type !== 'SAME') throw new Error(`MaxPoolGrad on the tensorflow backend supports 'valid' and 'same' padding, not ${type}`);
  const native = backend as unknown as NativeBackend;
  const b = native.binding;
  const opAttrs = [
    { name: 'T', type: b.TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'Targmax', type: b.TF_ATTR_TYPE, value: TF_INT64 },
    { name: 'ksize', type: b.TF_ATTR_INT, value: [1, info.filterHeight, info.filterWidth, 1] },
    { name: 'strides', type: b.TF_ATTR_INT, value: [1, info.strideHeight, info.strideWidth, 1] },
    { name: 'padding', type: b.TF_ATTR_STRING, value: type },
    { name: 'include_batch_in_index', type: b.TF_ATTR_BOOL, value: false },
  ];
  // The int64 indices stay inside TensorFlow (tfjs has no int64 tensors): raw ids, freed here.
  const [x, g] = native.getInputTensorIds([input, dy]);
  const [pooled, argmax] = b.executeOp('MaxPoolWithArgmax', opAttrs, [x!], 2);
  try {
    return native.createOutputTensor(b.executeOp('MaxPoolGradWithArgmax', opAttrs, [x!, g!, argmax!.id], 1)[0]!);
  } finally {
    b.deleteTensor(pooled!.id);
    b.deleteTensor(argmax!.id);
  }
};

let tfjsReluGrad: GradConfig | undefined;

function reluGradFunc(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap): ReturnType<GradConfig['gradFunc']> {
  if (tf.getBackend() !== NATIVE_BACKEND) return tfjsReluGrad!.gradFunc(dy, saved, attrs);
  const [x] = saved;
  return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x: x! }, {}) as tf.Tensor };
}

/** Registers TF's ReluGrad (via our Relu gradient) and our MaxPoolGrad for "tensorflow"; returns whether anything changed. */
export function registerNativeGradients(): boolean {
  if (hasNativeGradients()) return false;
  const current = tf.getGradient(RELU);
  if (current?.gradFunc !== reluGradFunc) {
    tfjsReluGrad = current;
    tf.registerGradient({ kernelName: RELU, inputsToSave: ['x'], gradFunc: reluGradFunc });
  }
  if (tf.getKernel(RELU_GRAD, NATIVE_BACKEND) === undefined) {
    tf.registerKernel({ kernelName: RELU_GRAD, backendName: NATIVE_BACKEND, kernelFunc: reluGradKernel });
  }
  if (tf.getKernel(MAX_POOL_GRAD, NATIVE_BACKEND)?.kernelFunc !== maxPoolGradKernel) {
    if (tf.getKernel(MAX_POOL_GRAD, NATIVE_BACKEND)) tf.unregisterKernel(MAX_POOL_GRAD, NATIVE_BACKEND);
    tf.registerKernel({ kernelName: MAX_POOL_GRAD, backendName: NATIVE_BACKEND, kernelFunc: maxPoolGradKernel });
  }
  return true;
}

/** True when our Relu gradient and MaxPoolGrad kernel are registered. */
export function hasNativeGradients(): boolean {
  return (
    tf.getGradient(RELU)?.gradFunc === reluGradFunc &&
    tf.getKernel(RELU_GRAD, NATIVE_BACKEND) !== undefined &&
    tf.getKernel(MAX_POOL_GRAD, NATIVE_BACKEND)?.kernelFunc === maxPoolGradKernel
  );
}
