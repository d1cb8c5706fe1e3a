/** registerTfjsBackend into a fresh core Registry, and createTfjsBackend's option checks. */
import type { OrchestratedBackend } from '@syncline/core';
import { DuplicateRegistrationError, InvalidConfigError, Registry } from '@syncline/core';
import { TfjsBackend, createTfjsBackend, registerTfjsBackend } from '../src/index';

describe('registerTfjsBackend', () => {
  it('registers "tfjs" explicitly, idempotently, and the registry builds a TfjsBackend', async () => {
    const registry = new Registry<OrchestratedBackend>('backend');
    expect(registry.has('tfjs')).toBe(false);
    registerTfjsBackend(registry);
    registerTfjsBackend(registry);
    expect(registry.names()).toEqual(['tfjs']);
    const backend = await registry.create('tfjs');
    expect(backend).toBeInstanceOf(TfjsBackend);
    expect(backend.stepShape).toBe('orchestrated');
    expect(() => registry.register('tfjs', () => new TfjsBackend())).toThrow(DuplicateRegistrationError);
    expect(new Registry<OrchestratedBackend>('backend').has('tfjs')).toBe(false);
  });
});

describe('createTfjsBackend (PluginRef factory)', () => {
  it('accepts structured-cloneable options and rejects bad ones with InvalidConfigError', () => {
    expect(createTfjsBackend({ candidates: ['wasm', 'cpu'] })).toBeInstanceOf(TfjsBackend);
    expect(createTfjsBackend()).toBeInstanceOf(TfjsBackend);
    expect(() => createTfjsBackend({ candidates: ['gpu'] })).toThrow(InvalidConfigError);
    expect(() => createTfjsBackend({ candidates: [] })).toThrow(/candidates/);
    expect(() => createTfjsBackend({ threads: 4 })).toThrow(/threads.*no such option/);
    expect(() => createTfjsBackend('wasm')).toThrow(InvalidConfigError);
    expect(() => createTfjsBackend({ factoryOutputs: 'scores' })).toThrow(/factoryOutputs/);
  });
});
