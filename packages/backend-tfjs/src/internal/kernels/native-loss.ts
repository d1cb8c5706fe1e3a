/**
 * The summed sparse softmax cross-entropy from logits as ONE TensorFlow op on tfjs-node's
 * "tensorflow" backend: `SparseSoftmaxCrossEntropyWithLogits` returns each example's loss
 * (logsumexp(z) - z[y]) and its gradient (softmax(z) - onehot(y)) together, where tfjs
 * composes about ten eager ops forward (oneHot, cast, logSoftmax, mul, sum, neg) and as
 * many backward. With a 32-example MLP step each eager op costs as much as the arithmetic,
 * so this is a per-step overhead cut; the values equal tfjs's up to float rounding.
 * Gradient (tf.customGrad): d(sum)/dz = dy * (softmax - onehot), the op's second output.
 * The kernel is registered when tfjs-node starts (registerNativeLoss); nativeSparseCrossEntropySum
 * is only called while "tensorflow" is the active backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

export const SPARSE_SOFTMAX_CE = 'SparseSoftmaxCrossEntropyWithLogits';
const NATIVE_BACKEND = 'tensorflow';
/** TF_DataType numbers (tensorflow/c/tf_datatype.h). */
const TF_FLOAT = 1;
const TF_INT32 = 3;

interface NativeBackend {
  readonly binding: { readonly TF_ATTR_TYPE: number };
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: TensorInfo[], numOutputs: number): tf.Tensor[];
}

const kernel: KernelFunc = ({ inputs, backend }) => {
  const { features, labels } = inputs as { features: TensorInfo; labels: TensorInfo };
  const native = backend as unknown as NativeBackend;
  const t = native.binding.TF_ATTR_TYPE;
  return native.executeMultipleOutputs(
    SPARSE_SOFTMAX_CE,
    [
      { name: 'T', type: t, value: TF_FLOAT },
      { name: 'Tlabels', type: t, value: TF_INT32 },
    ],
    [features, labels],
    2,
  );
};

/** Registers the kernel for "tensorflow" (idempotent). */
export function registerNativeLoss(): void {
  if (tf.getKernel(SPARSE_SOFTMAX_CE, NATIVE_BACKEND) === undefined) {
    tf.registerKernel({ kernelName: SPARSE_SOFTMAX_CE, backendName: NATIVE_BACKEND, kernelFunc: kernel });
  }
}

/** True on the tensorflow backend with the kernel registered: nativeSparseCrossEntropySum may be used. */
export function canUseNativeLoss(): boolean {
  return tf.getBackend() === NATIVE_BACKEND && tf.getKernel(SPARSE_SOFTMAX_CE, NATIVE_BACKEND) !== undefined;
}

/** sum_i (logsumexp(logits_i) - logits_i[labels_i]); logits [batch, classes] float32, labels int32 [batch]. */
export function nativeSparseCrossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [perExample, backprop] = tf.engine().runKernel(SPARSE_SOFTMAX_CE, { features: z, labels }, {}) as tf.Tensor[];
    save([backprop!]);
    return { value: tf.sum(perExample!), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]!) };
  });
  return f(logits) as tf.Scalar;
}
