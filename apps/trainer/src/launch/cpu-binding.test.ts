import { isSynclineError } from '@syncline/core';
import { allowedCpus, bindWorker, formatCpuList, parseCpuList, planCpuBinding, requireTaskset } from './cpu-binding';

describe('launch --bind-to core: CPU shares', () => {
  it('parses and prints Linux CPU lists', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('5')).toEqual([5]);
    expect(formatCpuList([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8');
    expect(formatCpuList([3])).toBe('3');
    expect(() => parseCpuList('0-3,x')).toThrow(/CPU list.*"0-3,x".*ranges/);
  });

  it('reads this process affinity', () => {
    const cpus = allowedCpus();
    expect(cpus.length).toBeGreaterThan(0);
    expect([...cpus].sort((a, b) => a - b)).toEqual(cpus);
  });

  it('gives each worker an equal contiguous share, leaving the remainder unused', () => {
    expect(planCpuBinding(2, [0, 1])).toEqual([[0], [1]]);
    expect(planCpuBinding(2, [4, 5, 6, 7, 8])).toEqual([
      [4, 5],
      [6, 7],
    ]);
    expect(planCpuBinding(3, [0, 2, 4, 6, 8, 10, 12])).toEqual([
      [0, 2],
      [4, 6],
      [8, 10],
    ]);
  });

  it('refuses more workers than CPUs, naming the flag, the CPUs and the way out', () => {
    let error: unknown;
    try {
      planCpuBinding(3, [0, 1]);
    } catch (e) {
      error = e;
    }
    expect(isSynclineError(error) && error.code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toMatch(/--bind-to.*at most 2 worker\(s\).*\(0-1\).*--bind-to none/);
  });

  it('starts the worker through taskset with its CPU list', () => {
    const spec = { rank: 1, command: '/usr/bin/node', args: ['cli.js', 'train'], env: {} };
    expect(bindWorker(spec, [2, 3])).toEqual({ ...spec, command: 'taskset', args: ['--cpu-list', '2-3', '/usr/bin/node', 'cli.js', 'train'] });
  });

  it('says what to install when taskset is missing', () => {
    expect(() =>
      requireTaskset(() => {
        throw new Error('spawnSync taskset ENOENT');
      }),
    ).toThrow(/taskset \(from util-linux\).*ENOENT.*--bind-to none/);
    expect(() => requireTaskset()).not.toThrow();
  });
});
