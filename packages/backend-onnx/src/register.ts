/** Explicit registration of the onnx backend into an app-owned registry (never on import). */
import type { Backend, Registry } from '@syncline/core';
import { createOnnxBackend, ONNX_BACKEND_NAME, type OnnxBackendOptions } from './onnx-backend';

/** Priority among backends: ORT is the fast CPU path. */
export const ONNX_BACKEND_PRIORITY = 20;

export function registerOnnxBackend(registry: Registry<Backend>, options: OnnxBackendOptions = {}): void {
  registry.register(ONNX_BACKEND_NAME, () => createOnnxBackend(options), ONNX_BACKEND_PRIORITY);
}
