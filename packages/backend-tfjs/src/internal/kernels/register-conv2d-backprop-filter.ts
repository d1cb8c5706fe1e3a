/**
 * Explicit registration of the fast Conv2DBackpropFilter kernel for one tfjs backend.
 * Called by backend selection when wasm or cpu starts, never on import. Re-registering
 * is a no-op; a built-in kernel it replaces is returned so tests can compare against it.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fastConv2DBackpropFilter } from './conv2d-backprop-filter';

export const CONV2D_BACKPROP_FILTER = 'Conv2DBackpropFilter';

export interface KernelRegistration {
  /** False when our kernel was already registered for this backend (nothing changed). */
  readonly changed: boolean;
  /** The kernel ours replaced (for example cpu's built-in one), if any. */
  readonly replaced: KernelConfig | undefined;
}

/** Registers our kernel as `Conv2DBackpropFilter` for `backendName` ("wasm", "cpu"). */
export function registerFastConv2DBackpropFilter(backendName: string): KernelRegistration {
  const current = tf.getKernel(CONV2D_BACKPROP_FILTER, backendName);
  if (current?.kernelFunc === fastConv2DBackpropFilter) return { changed: false, replaced: undefined };
  if (current) tf.unregisterKernel(CONV2D_BACKPROP_FILTER, backendName);
  tf.registerKernel({ kernelName: CONV2D_BACKPROP_FILTER, backendName, kernelFunc: fastConv2DBackpropFilter });
  return { changed: true, replaced: current };
}

/** True when our kernel is the one registered for `backendName`. */
export function hasFastConv2DBackpropFilter(backendName: string): boolean {
  return tf.getKernel(CONV2D_BACKPROP_FILTER, backendName)?.kernelFunc === fastConv2DBackpropFilter;
}
