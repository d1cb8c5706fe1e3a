/**
 * A BatchMatMul wrapper for tfjs's wasm backend: its kernel is fast for a plain A x B
 * (XNNPACK) but falls back to a slow loop when an operand is transposed, which is what
 * every Dense layer's gradient asks for (dW = x^T dy, dx = dy W^T).
 *
 * Protocol:
 * 1. No transpose requested: call the wrapped kernel unchanged.
 * 2. Otherwise materialise each transposed operand with the backend's Transpose kernel
 *    (swap the last two axes), call the wrapped kernel with transposeA/B = false, and
 *    dispose the temporaries. Same math; only the memory layout of the operands changes.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

export const BATCH_MAT_MUL = 'BatchMatMul';

const WRAPPERS = new WeakSet<KernelFunc>();

function swapLastTwo(t: TensorInfo): tf.Tensor {
  const rank = t.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return tf.engine().runKernel('Transpose', { x: t } as unknown as tf.NamedTensorMap, { perm }) as tf.Tensor;
}

/** Wraps `inner` as described at the top of this file. */
export function untransposedBatchMatMul(inner: KernelFunc): KernelFunc {
  const wrapped: KernelFunc = (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return inner(args);
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const temps: tf.Tensor[] = [];
    const a2 = transposeA ? temps[temps.push(swapLastTwo(a)) - 1]! : a;
    const b2 = transposeB ? temps[temps.push(swapLastTwo(b)) - 1]! : b;
    try {
      return inner({
        ...args,
        inputs: { ...args.inputs, a: a2, b: b2 },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      tf.dispose(temps);
    }
  };
  WRAPPERS.add(wrapped);
  return wrapped;
}

/** True when `kernel` is one of our wrappers. */
export function isUntransposedBatchMatMul(kernel: KernelConfig | undefined): boolean {
  return kernel !== undefined && WRAPPERS.has(kernel.kernelFunc);
}
