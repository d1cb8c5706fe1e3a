import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CheckpointDirLockedError } from '../errors/checkpoint-dir-locked-error';
import { defaultCheckpointLock, hostLocalCheckpointLock, hostLocalSocketName, HOST_LOCAL_HOLDER_FILE } from './host-local-lock';
import { checkpointLockHolder, parseLockHolder, type CheckpointLockHolder } from './lock-holder';

const REPO = resolve(__dirname, '../../../..');
const HOLDER_SCRIPT = join(REPO, 'packages/core/tests/checkpoint/hold-host-local-lock.ts');
const children: ChildProcess[] = [];
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'lock-'));

/** A real process holding `dir` (tsx runs the helper from the sources); resolves once it holds it. */
function holdInChild(dir: string): Promise<{ child: ChildProcess; holder: CheckpointLockHolder }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER_SCRIPT, dir], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      const msg = JSON.parse(out.split('\n')[0]!) as { holder?: CheckpointLockHolder; error?: string };
      if (msg.holder) res({ child, holder: msg.holder });
      else rej(new Error(`holder process failed: ${msg.error}`));
    });
    child.on('exit', (code) => rej(new Error(`holder process exited ${code} before holding ${dir}`)));
  });
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const describeLinux = process.platform === 'linux' ? describe : describe.skip;

describeLinux('hostLocalCheckpointLock (Linux abstract socket)', () => {
  it('refuses a second acquire naming the holder, and takes the directory again after release', async () => {
    const dir = join(tempDir(), 'ckpt'); // created by acquire
    const held = await hostLocalCheckpointLock.acquire(dir, checkpointLockHolder('run-a'));
    expect(parseLockHolder(readFileSync(join(dir, HOST_LOCAL_HOLDER_FILE), 'utf8'))?.runId).toBe('run-a');
    const refused = await hostLocalCheckpointLock.acquire(dir, checkpointLockHolder('run-b')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CheckpointDirLockedError);
    expect((refused as CheckpointDirLockedError).holder).toEqual(held.holder);
    expect((refused as Error).message).toContain(`pid ${process.pid} on host`);
    await held.release();
    await held.release(); // idempotent
    expect(existsSync(join(dir, HOST_LOCAL_HOLDER_FILE))).toBe(false);
    const again = await hostLocalCheckpointLock.acquire(dir, checkpointLockHolder('run-b'));
    await again.release();
  });

  it('one name per directory, however the path is spelt, and full-length (the same on every libuv)', () => {
    const dir = tempDir();
    expect(hostLocalSocketName(dir)).toBe(hostLocalSocketName(`${dir}/./`));
    expect(hostLocalSocketName(dir)).not.toBe(hostLocalSocketName(tempDir()));
    expect(Buffer.byteLength(hostLocalSocketName(dir))).toBe(108);
  });

  it('a real process holds it; kill -9 frees it at once (the kernel closes the socket)', async () => {
    const dir = tempDir();
    const { child, holder } = await holdInChild(dir);
    const refused = await hostLocalCheckpointLock.acquire(dir, checkpointLockHolder('run-b')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CheckpointDirLockedError);
    expect((refused as CheckpointDirLockedError).holder).toEqual(holder);
    expect(holder.pid).toBe(child.pid);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const held = await hostLocalCheckpointLock.acquire(dir, checkpointLockHolder('run-b')); // one try, no waiting
    expect(held.holder.runId).toBe('run-b');
    await held.release();
  }, 30_000);
});

describe('defaultCheckpointLock', () => {
  it('is the host-local lock on Linux and none where there is no abstract namespace', () => {
    expect(defaultCheckpointLock('linux')).toBe(hostLocalCheckpointLock);
    expect(defaultCheckpointLock('darwin')).toBeUndefined();
  });
});
