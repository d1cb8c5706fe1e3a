/** Explicit registration into an app's backend registry; nothing registers on import. */
import type { Backend, OrchestratedBackend, Registry } from '@syncline/core';
import type { TfjsBackendOptions } from './tfjs-backend';
import { TFJS_BACKEND_NAME, TfjsBackend } from './tfjs-backend';

/** Priority in the registry: tried before backends registered at the default 0. */
export const TFJS_BACKEND_PRIORITY = 10;

/**
 * Registers "tfjs" in `registry`. Calling it again with the same registry is a no-op
 * (the factory is kept per registry); a different factory under "tfjs" makes the
 * registry throw DuplicateRegistrationError.
 */
export function registerTfjsBackend(registry: Registry<OrchestratedBackend> | Registry<Backend>, options: TfjsBackendOptions = {}): void {
  let factory = FACTORIES.get(registry);
  if (!factory) {
    factory = () => new TfjsBackend(options);
    FACTORIES.set(registry, factory);
  }
  registry.register(TFJS_BACKEND_NAME, factory, TFJS_BACKEND_PRIORITY);
}

const FACTORIES = new WeakMap<object, () => TfjsBackend>();
