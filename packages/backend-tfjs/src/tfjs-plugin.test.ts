import { InvalidConfigError } from '@syncline/core';
import { tfjs, createTfjsBackend } from './tfjs-plugin';

describe('tfjs()', () => {
  it('is an orchestrated backend reference naming a module whose export is createTfjsBackend', () => {
    const ref = tfjs({ candidates: ['wasm'] });
    expect(ref).toMatchObject({ kind: 'backend', name: 'tfjs', stepShape: 'orchestrated', export: 'createTfjsBackend', options: { candidates: ['wasm'] } });
    expect((require(ref.module) as Record<string, unknown>)[ref.export]).toBe(createTfjsBackend);
    expect(structuredClone(ref)).toEqual(ref);
  });

  it('checks its options when the reference is made, not in the replicas', () => {
    expect(() => tfjs({ candidates: ['tpu' as never] })).toThrow(InvalidConfigError);
    expect(() => tfjs({ candidates: ['tpu' as never] })).toThrow(/options\.candidates is \["tpu"\]/);
    expect(() => tfjs({ threads: 2 } as never)).toThrow(/options\.threads .*no such option/);
  });
});
