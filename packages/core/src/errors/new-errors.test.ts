import { IntegrityError } from './integrity-error';
import { OutputPathError } from './output-path-error';
import { ReplicaDivergenceError } from './replica-divergence-error';
import { isSynclineError } from './syncline-error';

describe('IntegrityError, ReplicaDivergenceError, OutputPathError', () => {
  it('IntegrityError names both ranks and the address, and is retryable like a lost worker', () => {
    const e = new IntegrityError(1, 0, '10.0.0.1:2222', 'DATA frame 17 of allReduce #20: MAC mismatch');
    expect([e.code, e.name, e.retryable, isSynclineError(e)]).toEqual(['INTEGRITY_ERROR', 'IntegrityError', true, true]);
    expect(e.message).toMatch(/^Frame integrity check failed on the link from rank 0 \(10\.0\.0\.1:2222\) to rank 1: DATA frame 17/);
    expect(new IntegrityError(1, 0, 'a', 'x', { reported: true }).message).toContain('reported round the ring');
  });
  it('ReplicaDivergenceError names the odd ranks, the majority and the step', () => {
    const e = new ReplicaDivergenceError(120, 'epoch 2 end', [
      { hash: 'aaaaaaaaaaaaaaaa', ranks: [0, 1, 3] },
      { hash: 'bbbbbbbbbbbbbbbb', ranks: [2] },
    ]);
    expect([e.code, e.name, e.step]).toEqual(['REPLICA_DIVERGENCE', 'ReplicaDivergenceError', 120]);
    expect(e.message).toMatch(/^Replicas diverged at step 120 \(epoch 2 end\): rank\(s\) 2 hold other weights or optimizer state than rank\(s\) 0, 1, 3/);
    expect(e.message).toContain('No checkpoint of this state was written');
  });
  it('OutputPathError names the option, the path and the reason', () => {
    const e = new OutputPathError('--log-dir', '/root/x', 'EACCES: permission denied');
    expect([e.code, e.name, e.retryable]).toEqual(['OUTPUT_PATH', 'OutputPathError', false]);
    expect(e.message).toBe('--log-dir /root/x cannot be written: EACCES: permission denied. Choose a writable path (or fix its permissions) and run again.');
  });
});
