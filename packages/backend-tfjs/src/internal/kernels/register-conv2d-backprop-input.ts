/**
 * Explicit registration of the fast Conv2DBackpropInput kernel for one tfjs backend
 * (wasm, where the built-in one is slow). Called by backend selection, never on import.
 * Re-registering is a no-op; the kernel it replaces is returned.
 */
import * as tf from '@tensorflow/tfjs';
import { fastConv2DBackpropInput } from './conv2d-backprop-input';
import type { KernelRegistration } from './register-conv2d-backprop-filter';

export const CONV2D_BACKPROP_INPUT = 'Conv2DBackpropInput';

/** Registers our kernel as `Conv2DBackpropInput` for `backendName`. */
export function registerFastConv2DBackpropInput(backendName: string): KernelRegistration {
  const current = tf.getKernel(CONV2D_BACKPROP_INPUT, backendName);
  if (current?.kernelFunc === fastConv2DBackpropInput) return { changed: false, replaced: undefined };
  if (current) tf.unregisterKernel(CONV2D_BACKPROP_INPUT, backendName);
  tf.registerKernel({ kernelName: CONV2D_BACKPROP_INPUT, backendName, kernelFunc: fastConv2DBackpropInput });
  return { changed: true, replaced: current };
}

/** True when our kernel is the one registered for `backendName`. */
export function hasFastConv2DBackpropInput(backendName: string): boolean {
  return tf.getKernel(CONV2D_BACKPROP_INPUT, backendName)?.kernelFunc === fastConv2DBackpropInput;
}
