/**
 * `onnx()`: the typed reference users hand a strategy (`new MirroredStrategy({ backend:
 * onnx(), ... })`). It names this module, which exports `createOnnxBackend`, so every
 * replica builds its own OnnxBackend from the same copy of this package the user imported.
 */
import { backendRef, type BackendRef } from '@syncline/core';
import { ONNX_BACKEND_NAME, createOnnxBackend, type OnnxBackendOptions } from './onnx-backend';

export { createOnnxBackend };

/**
 * A reference to the "onnx" backend (ORT session options, e.g. `{ intraOpNumThreads: 2 }`).
 * @throws InvalidConfigError for an unknown option or one that cannot be sent to the replicas; BackendError for a bad value
 */
export function onnx(options: OnnxBackendOptions = {}): BackendRef<OnnxBackendOptions> {
  createOnnxBackend(options);
  return backendRef({ name: ONNX_BACKEND_NAME, stepShape: 'orchestrated', module: __filename, export: 'createOnnxBackend', options });
}
