import { CheckpointDirLockedError } from './checkpoint-dir-locked-error';
import { isSynclineError } from './syncline-error';

describe('CheckpointDirLockedError', () => {
  const holder = { host: 'node-7', pid: 4242, startedAt: '2025-01-02T03:04:05.000Z', runId: 'm5x-0badf00d' };

  it('names the directory, the holder and what to do', () => {
    const e = new CheckpointDirLockedError('/shared/ckpt', holder, 'flock on /shared/ckpt/.syncline.lock');
    expect(e.code).toBe('CHECKPOINT_DIR_LOCKED');
    expect(e.name).toBe('CheckpointDirLockedError');
    expect(e.retryable).toBe(false);
    expect(e.holder).toEqual(holder);
    expect(e.message).toBe(
      'Checkpoint directory /shared/ckpt is locked by another run: pid 4242 on host node-7, started 2025-01-02T03:04:05.000Z, run m5x-0badf00d ' +
        '(flock on /shared/ckpt/.syncline.lock). Another run is writing here: stop it (kill 4242 on node-7), or use another --checkpoint-dir.',
    );
    expect(isSynclineError(e)).toBe(true);
    expect(isSynclineError(Object.assign(new Error('x'), { name: 'CheckpointDirLockedError', code: 'CHECKPOINT_DIR_LOCKED' }))).toBe(true);
  });

  it('says so when the holder could not be read', () => {
    const e = new CheckpointDirLockedError('/ckpt', undefined, 'flock on /ckpt/.syncline.lock');
    expect(e.message).toMatch(
      /^Checkpoint directory \/ckpt is locked by another run: holder unknown \(.*\) \(flock on .*\)\. Another run is writing here: stop it, or use another --checkpoint-dir\.$/,
    );
  });
});
