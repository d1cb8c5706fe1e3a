import { ClusterMismatchError } from './cluster-mismatch-error';
import { isSynclineError } from './syncline-error';

describe('ClusterMismatchError', () => {
  const a = { rank: 0, size: 2, address: '10.0.0.1:2222' };
  const b = { rank: 1, size: 3, address: '10.0.0.2:2222' };

  it('names both sizes, both ranks and addresses, and what to do', () => {
    const e = new ClusterMismatchError('size', a, b);
    expect(e.code).toBe('CLUSTER_MISMATCH');
    expect(e.name).toBe('ClusterMismatchError');
    expect(e.retryable).toBe(false);
    expect(isSynclineError(e)).toBe(true);
    expect(e.message).toBe(
      'Cluster size mismatch: rank 0 (10.0.0.1:2222) has a cluster of 2 workers, rank 1 (10.0.0.2:2222) has a cluster of 3 workers. ' +
        "Every worker's TF_CONFIG must list the same cluster (the same addresses in the same order) and give each worker its own task index: " +
        'fix the worker that differs, then restart every worker.',
    );
  });

  it('says which rank two workers claim, and notes detail and reporting', () => {
    const e = new ClusterMismatchError(
      'duplicate',
      { ...b, size: 2 },
      { ...b, size: 2, address: '10.0.0.9:2222' },
      { detail: 'found by rank 0', reported: true },
    );
    expect(e.message).toMatch(
      /^Two workers claim rank 1 of a cluster of 2: one at 10\.0\.0\.2:2222, one at 10\.0\.0\.9:2222 \(found by rank 0; reported round the ring\)\. /,
    );
    expect(e.detail).toBe('found by rank 0');
    expect(new ClusterMismatchError('order', a, { ...b, size: 2 }).message).toMatch(/^Cluster order mismatch in a cluster of 2 workers: rank 0 .* and rank 1 /);
  });

  it('is recognised by code from another copy of the package', () => {
    expect(isSynclineError(Object.assign(new Error('x'), { name: 'ClusterMismatchError', code: 'CLUSTER_MISMATCH' }))).toBe(true);
    expect(isSynclineError(Object.assign(new Error('x'), { name: 'AddressInUseError', code: 'ADDRESS_IN_USE' }))).toBe(true);
  });
});
