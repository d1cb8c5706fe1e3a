/**
 * Explicit registration of the untransposing BatchMatMul wrapper around a backend's own
 * kernel (wasm). Called by backend selection, never on import; re-registering is a no-op.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from '@syncline/core';
import { BATCH_MAT_MUL, isUntransposedBatchMatMul, untransposedBatchMatMul } from './batch-mat-mul-untransposed';
import type { KernelRegistration } from './register-conv2d-backprop-filter';

/** Wraps `backendName`'s BatchMatMul; throws BackendError if the backend has none. */
export function registerUntransposedBatchMatMul(backendName: string): KernelRegistration {
  const current = tf.getKernel(BATCH_MAT_MUL, backendName);
  if (isUntransposedBatchMatMul(current)) return { changed: false, replaced: undefined };
  if (!current) throw new BackendError('tfjs', `backend "${backendName}" has no ${BATCH_MAT_MUL} kernel to wrap`);
  tf.unregisterKernel(BATCH_MAT_MUL, backendName);
  tf.registerKernel({ ...current, kernelFunc: untransposedBatchMatMul(current.kernelFunc) });
  return { changed: true, replaced: current };
}

/** True when the wrapper is the BatchMatMul registered for `backendName`. */
export function hasUntransposedBatchMatMul(backendName: string): boolean {
  return isUntransposedBatchMatMul(tf.getKernel(BATCH_MAT_MUL, backendName));
}
