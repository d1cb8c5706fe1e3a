/** Session option translation and validation. */
import { BackendError } from '@syncline/core';
import { DEFAULT_INTRA_OP_THREADS, toOrtOptions } from './session-options';

describe('toOrtOptions', () => {
  it('defaults: one intra-op thread, all optimisations, CPU provider, sequential execution', () => {
    expect(toOrtOptions()).toEqual({
      intraOpNumThreads: DEFAULT_INTRA_OP_THREADS,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
    });
  });

  it('passes threads, level, providers and profiling through', () => {
    const o = toOrtOptions({ intraOpNumThreads: 2, graphOptimizationLevel: 'basic', executionProviders: ['cuda', 'cpu'], profileFilePrefix: '/tmp/p' });
    expect(o).toMatchObject({
      intraOpNumThreads: 2,
      graphOptimizationLevel: 'basic',
      executionProviders: ['cuda', 'cpu'],
      enableProfiling: true,
      profileFilePrefix: '/tmp/p',
    });
  });

  it.each([0, 1.5, -1])('rejects intraOpNumThreads %p naming the value', (n) => {
    expect(() => toOrtOptions({ intraOpNumThreads: n })).toThrow(BackendError);
    expect(() => toOrtOptions({ intraOpNumThreads: n })).toThrow(`intraOpNumThreads is ${n}`);
  });
});
