/**
 * Explicit registration of the fast MaxPoolGrad kernel for the wasm backend (it reads
 * the wasm heap directly, so it is for wasm only). Called by backend selection, never
 * on import; re-registering is a no-op; the kernel it replaces is returned.
 */
import * as tf from '@tensorflow/tfjs';
import { fastMaxPoolGrad } from './max-pool-grad';
import type { KernelRegistration } from './register-conv2d-backprop-filter';

export const MAX_POOL_GRAD = 'MaxPoolGrad';
const WASM = 'wasm';

/** Registers our kernel as wasm's `MaxPoolGrad`. */
export function registerFastMaxPoolGrad(): KernelRegistration {
  const current = tf.getKernel(MAX_POOL_GRAD, WASM);
  if (current?.kernelFunc === fastMaxPoolGrad) return { changed: false, replaced: undefined };
  if (current) tf.unregisterKernel(MAX_POOL_GRAD, WASM);
  tf.registerKernel({ kernelName: MAX_POOL_GRAD, backendName: WASM, kernelFunc: fastMaxPoolGrad });
  return { changed: true, replaced: current };
}

/** True when our kernel is wasm's MaxPoolGrad. */
export function hasFastMaxPoolGrad(): boolean {
  return tf.getKernel(MAX_POOL_GRAD, WASM)?.kernelFunc === fastMaxPoolGrad;
}
