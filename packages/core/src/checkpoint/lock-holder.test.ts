import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointLockHolder, describeLockHolder, formatLockHolder, newCheckpointRunId, parseLockHolder, readLockHolder } from './lock-holder';

describe('checkpoint lock holder', () => {
  it('names this process: host, pid, start time and run id', () => {
    const h = checkpointLockHolder('run-a');
    expect(h).toEqual({ host: hostname(), pid: process.pid, startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), runId: 'run-a' });
    expect(Date.parse(h.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(describeLockHolder(h)).toBe(`pid ${process.pid} on host ${hostname()}, started ${h.startedAt}, run run-a`);
  });

  it('round-trips through the holder file format and rejects partial text', () => {
    const h = checkpointLockHolder('run-a');
    const text = formatLockHolder(h);
    expect(parseLockHolder(text)).toEqual(h);
    expect(parseLockHolder(text.slice(0, 20))).toBeUndefined();
    expect(parseLockHolder('')).toBeUndefined();
    expect(parseLockHolder('{"host":"h","pid":"1","startedAt":"t","runId":"r"}')).toBeUndefined();
  });

  it('run ids are unique and safe in file names', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newCheckpointRunId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]+-[0-9a-f]{8}$/);
  });

  it('readLockHolder waits for a holder file that is written late, and gives up on one that never is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holder-'));
    const file = join(dir, 'holder.json');
    writeFileSync(file, ''); // the holder has locked but not yet written
    setTimeout(() => writeFileSync(file, formatLockHolder(checkpointLockHolder('late'))), 50);
    expect((await readLockHolder(file, 10_000))?.runId).toBe('late');
    expect(await readLockHolder(join(dir, 'missing.json'), 0)).toBeUndefined();
  });
});
