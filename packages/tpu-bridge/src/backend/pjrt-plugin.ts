/**
 * `pjrt()`: the typed reference to the compiled "pjrt" backend, as `tfjs()` and `onnx()`
 * are to the orchestrated ones. TPUStrategy takes it (`new TPUStrategy({ backend: pjrt({
 * deviceCount: 2 }) })`); it names this module, which exports `createPjrtBackend`.
 */
import { backendRef, InvalidConfigError, type BackendRef, type PluginRef } from '@syncline/core';
import { PJRT_BACKEND_NAME, createPjrtBackend, type PjrtBackendOptions } from './pjrt-backend';

export { createPjrtBackend };

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['pluginPath', 'deviceCount', 'createOptions']);

/**
 * Checks pjrt backend options by name before any plugin loads.
 * @throws InvalidConfigError for an unknown option or a value of the wrong kind
 */
export function checkPjrtOptions(options: PjrtBackendOptions): void {
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KNOWN_OPTIONS.has(k));
  if (unknown.length > 0) {
    throw new InvalidConfigError(`pjrt backend options.${unknown[0]}`, o[unknown[0]!], `no such option (known: ${[...KNOWN_OPTIONS].join(', ')})`);
  }
  if (o.pluginPath !== undefined && (typeof o.pluginPath !== 'string' || o.pluginPath === '')) {
    throw new InvalidConfigError(
      'pjrt backend options.pluginPath',
      o.pluginPath,
      'the path of a PJRT plugin library (libtpu.so, xla_cuda_plugin.so, xla_cpu_pjrt.so)',
    );
  }
  if (o.deviceCount !== undefined && (!Number.isInteger(o.deviceCount) || (o.deviceCount as number) < 1)) {
    throw new InvalidConfigError('pjrt backend options.deviceCount', o.deviceCount, 'an integer >= 1 (XLA CPU devices)');
  }
}

/**
 * A reference to the "pjrt" compiled backend.
 * @throws InvalidConfigError for an unknown or malformed option
 */
export function pjrt(options: PjrtBackendOptions = {}): BackendRef<PjrtBackendOptions> {
  checkPjrtOptions(options);
  return backendRef({ name: PJRT_BACKEND_NAME, stepShape: 'compiled', module: __filename, export: 'createPjrtBackend', options });
}

/**
 * The options a TPUStrategy's `backend` carries: the options themselves, or a `pjrt()`
 * reference's.
 * @throws InvalidConfigError when the reference names another backend
 */
export function pjrtOptionsOf(backend: PjrtBackendOptions | PluginRef | undefined): PjrtBackendOptions {
  if (backend === undefined) return {};
  if (!('module' in backend)) {
    checkPjrtOptions(backend);
    return backend;
  }
  if (backend.kind !== 'backend' || backend.name !== PJRT_BACKEND_NAME) {
    throw new InvalidConfigError(
      'backend',
      backend.name ?? backend.export,
      'pjrt() from @syncline/tpu-bridge: TPUStrategy compiles the whole step through PJRT',
    );
  }
  const options = (backend.options ?? {}) as PjrtBackendOptions;
  checkPjrtOptions(options);
  return options;
}
