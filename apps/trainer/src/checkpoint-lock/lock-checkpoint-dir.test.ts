import type { CheckpointDirLock, CheckpointLockHolder } from '@syncline/core';
import { lockCheckpointDir, writesCheckpoints } from './lock-checkpoint-dir';

const tfConfig = (index: number): NodeJS.ProcessEnv => ({
  TF_CONFIG: JSON.stringify({ cluster: { worker: ['127.0.0.1:5000', '127.0.0.1:5001'] }, task: { type: 'worker', index } }),
});

function recordingLock(): CheckpointDirLock & { holders: CheckpointLockHolder[] } {
  const holders: CheckpointLockHolder[] = [];
  return { name: 'recording', holders, acquire: async (dir, holder) => (holders.push(holder), { dir, holder, release: async () => undefined }) };
}

describe('which `syncline train` process locks --checkpoint-dir', () => {
  it('the only process of a mirrored or TPU run; TF_CONFIG worker 0 of a multi-worker run', () => {
    expect(writesCheckpoints({ strategy: 'mirrored' }, {})).toBe(true);
    expect(writesCheckpoints({ strategy: 'tpu' }, {})).toBe(true);
    expect(writesCheckpoints({ strategy: 'multi-worker' }, tfConfig(0))).toBe(true);
    expect(writesCheckpoints({ strategy: 'multi-worker' }, tfConfig(1))).toBe(false);
    expect(writesCheckpoints({ strategy: 'multi-worker' }, {})).toBe(false); // no cluster: makeStrategy refuses it
    expect(writesCheckpoints({ strategy: 'multi-worker' }, { TF_CONFIG: '{not json' })).toBe(false);
  });

  it('the chief takes the lock with a fresh run id and says so; other workers and runs without a directory do not', async () => {
    const lock = recordingLock();
    const lines: string[] = [];
    const held = await lockCheckpointDir({ strategy: 'multi-worker', checkpointDir: '/ckpt' }, (l) => lines.push(l), tfConfig(0), lock);
    expect(held?.holder).toEqual(lock.holders[0]);
    expect(lock.holders[0]).toMatchObject({ pid: process.pid, runId: expect.stringMatching(/^[0-9a-z]+-[0-9a-f]{8}$/) });
    expect(lines).toEqual([`syncline: checkpoint directory /ckpt locked for this run (recording; run ${held!.holder.runId})`]);
    expect(await lockCheckpointDir({ strategy: 'multi-worker', checkpointDir: '/ckpt' }, () => undefined, tfConfig(1), lock)).toBeUndefined();
    expect(await lockCheckpointDir({ strategy: 'mirrored' }, () => undefined, {}, lock)).toBeUndefined();
    expect(lock.holders).toHaveLength(1);
  });
});
