/**
 * `tfjs()`: the typed reference users hand a strategy (`new MirroredStrategy({ backend:
 * tfjs(), ... })`). It names this module, which exports `createTfjsBackend`, so every
 * replica builds its own TfjsBackend from the same copy of this package the user imported.
 */
import { backendRef, type BackendRef } from '@syncline/core';
import type { FactoryOutputs } from './internal/model/layers-model-adapter';
import type { TfjsCandidate } from './internal/runtime/select-backend';
import { TFJS_BACKEND_NAME, createTfjsBackend, type LogReplicas } from './tfjs-backend';

export { createTfjsBackend };

/** What travels to the replicas (plain data; see createTfjsBackend for the checks). */
export interface TfjsPluginOptions {
  /** tfjs backends to try in each replica, fastest first; default ['node-gpu', 'node', 'wasm', 'cpu']. */
  readonly candidates?: readonly TfjsCandidate[];
  /** Path of a tfjs LayersModel's model.json (model.save('file://dir') writes one): every replica trains that model, from its saved weights. */
  readonly layersModel?: string;
  /** How a factory model's output is read; default 'auto'. */
  readonly factoryOutputs?: FactoryOutputs;
  /** Which replicas log the tfjs backend they selected: 'first' (default: replica 0 of the run only) or 'all'. */
  readonly logReplicas?: LogReplicas;
}

/**
 * A reference to the "tfjs" backend for MirroredStrategy and MultiWorkerMirroredStrategy.
 * @throws InvalidConfigError when an option is unknown or out of range (checked here, before any replica starts)
 */
export function tfjs(options: TfjsPluginOptions = {}): BackendRef<TfjsPluginOptions> {
  createTfjsBackend(options);
  return backendRef({ name: TFJS_BACKEND_NAME, stepShape: 'orchestrated', module: __filename, export: 'createTfjsBackend', options });
}
