import { InvalidConfigError, parseModelSpec } from '@syncline/core';
import { tfjs, createTfjsBackend } from './tfjs-plugin';
import { TfjsBackend } from './tfjs-backend';

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

  it('lets only replica 0 log its backend unless asked for every replica', async () => {
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const spec = parseModelSpec(
      { inputShape: [4], layers: [{ type: 'dense', units: 2, activation: 'softmax' }], optimizer: { name: 'sgd', learningRate: 0.1 } },
      'test spec',
    );
    // Each call selects afresh (the selection is memoised per candidate list): replica 1 is silent, replica 0 logs.
    const replica = (candidates: ('cpu' | 'wasm')[], replicaId: number, logReplicas?: 'all') =>
      new TfjsBackend({ candidates, logger, ...(logReplicas ? { logReplicas } : {}) }).createReplica(spec, { seed: 1, replicaId });
    await replica(['cpu'], 1);
    expect(lines).toEqual([]);
    await replica(['cpu', 'wasm'], 0);
    expect(lines).toHaveLength(1);
    await replica(['cpu'], 1, 'all');
    expect(lines).toHaveLength(2);
    expect(() => tfjs({ logReplicas: 'some' as never })).toThrow(/options\.logReplicas/);
  });
});
