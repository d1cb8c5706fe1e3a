import { SynclineError, isSynclineError } from './syncline-error';
import { InvalidConfigError } from './invalid-config-error';
import { WorkerLostError } from './worker-lost-error';
import { CollectiveTimeoutError } from './collective-timeout-error';

describe('SynclineError', () => {
  it('carries code, retryable, name and cause', () => {
    const cause = new Error('root');
    const e = new SynclineError('DATA_ERROR', 'bad', { cause, retryable: true });
    expect(e.code).toBe('DATA_ERROR');
    expect(e.retryable).toBe(true);
    expect(e.cause).toBe(cause);
    expect(e).toBeInstanceOf(Error);
  });

  it('subclasses keep string-literal names and useful messages', () => {
    const e = new InvalidConfigError('task.index', 5, 'an integer in [0, 2)', { source: 'TF_CONFIG' });
    expect(e.name).toBe('InvalidConfigError');
    expect(e.message).toBe('TF_CONFIG: task.index is 5; expected an integer in [0, 2)');
    expect(e.retryable).toBe(false);
    const lost = new WorkerLostError(2, '10.0.0.2:2222', 'allReduce', 17, 'connection reset');
    expect(lost.message).toContain('rank 2 (10.0.0.2:2222) during allReduce #17');
    expect(lost.retryable).toBe(true);
    expect(new CollectiveTimeoutError('barrier', 3, 100, [1, 3]).message).toContain('ranks not yet submitted: 1, 3');
  });

  it('isSynclineError recognises a copy from another package instance', () => {
    const foreign = Object.assign(new Error('x'), { name: 'WorkerLostError', code: 'WORKER_LOST' });
    expect(isSynclineError(foreign)).toBe(true);
    expect(isSynclineError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isSynclineError(null)).toBe(false);
    expect(isSynclineError(new InvalidConfigError('a', 1, 'b'))).toBe(true);
    const branded = Object.create(null) as Record<symbol, unknown>;
    branded[Symbol.for('syncline.error')] = true;
    expect(isSynclineError(branded)).toBe(true);
  });
});
