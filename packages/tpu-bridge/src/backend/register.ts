/** Explicit registration of the "pjrt" backend into an app's registry (nothing registers on import). */
import type { Backend, Registry } from '@syncline/core';
import { createPjrtBackend, PJRT_BACKEND_NAME, type PjrtBackendOptions } from './pjrt-backend';

/** Registers "pjrt" (priority 0: it is chosen by name, not as a fallback). */
export function registerPjrtBackend(registry: Registry<Backend>, options: PjrtBackendOptions = {}): void {
  registry.register(PJRT_BACKEND_NAME, () => createPjrtBackend(options));
}
