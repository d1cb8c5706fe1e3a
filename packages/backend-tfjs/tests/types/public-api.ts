/** Type-only checks of the public API (compiled by tsc --noEmit, never run). */
import type { Backend, OrchestratedBackend } from '@syncline/core';
import { Registry } from '@syncline/core';
import type { BackendFactory } from '@syncline/core';
import { TfjsBackend, createTfjsBackend, registerTfjsBackend } from '../../src/index';

// Registers into a registry of any backend shape.
registerTfjsBackend(new Registry<OrchestratedBackend>('backend'));
registerTfjsBackend(new Registry<Backend>('backend'));
// createTfjsBackend fits core's PluginRef factory type.
export const factory: BackendFactory = createTfjsBackend;
// TfjsBackend is an OrchestratedBackend.
export const backend: OrchestratedBackend = new TfjsBackend();
// tfjs() is a backend reference a strategy takes.
import type { BackendRef } from '@syncline/core';
import { tfjs } from '../../src/index';
export const ref: BackendRef = tfjs({ candidates: ['wasm'] });
