import type { CheckpointDirLock, CheckpointLockHolder } from '@syncline/core';
import { lockCheckpointDir } from './lock-checkpoint-dir';

function recordingLock(): CheckpointDirLock & { holders: CheckpointLockHolder[] } {
  const holders: CheckpointLockHolder[] = [];
  return { name: 'recording', holders, acquire: async (dir, holder) => (holders.push(holder), { dir, holder, release: async () => undefined }) };
}

describe('syncline train locks --checkpoint-dir in the chief only', () => {
  it('the chief takes the lock with a fresh run id and says so; other workers and runs without a directory do not', async () => {
    const lock = recordingLock();
    const lines: string[] = [];
    const held = await lockCheckpointDir('/ckpt', true, (l) => lines.push(l), lock);
    expect(held?.holder).toEqual(lock.holders[0]);
    expect(lock.holders[0]).toMatchObject({ pid: process.pid, runId: expect.stringMatching(/^[0-9a-z]+-[0-9a-f]{8}$/) });
    expect(lines).toEqual([`syncline: checkpoint directory /ckpt locked for this run (recording; run ${held!.holder.runId})`]);
    expect(await lockCheckpointDir('/ckpt', false, () => undefined, lock)).toBeUndefined();
    expect(await lockCheckpointDir(undefined, true, () => undefined, lock)).toBeUndefined();
    expect(lock.holders).toHaveLength(1);
  });
});
