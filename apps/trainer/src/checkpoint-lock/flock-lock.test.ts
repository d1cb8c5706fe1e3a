/**
 * flockCheckpointLock with real processes: a child holds the directory; a second process
 * (another child, and this one) is refused with the holder named; kill -9 of the holder
 * frees the directory at once, because the kernel drops the lock with the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CheckpointDirLockedError, checkpointLockHolder, parseLockHolder, type CheckpointLockHolder } from '@syncline/core';
import { FLOCK_FILE, flockCheckpointLock } from './flock-lock';

const REPO = resolve(__dirname, '../../../..');
const HELPER = join(REPO, 'apps/trainer/tests/hold-checkpoint-lock.ts');
const children: ChildProcess[] = [];
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'flock-'));

/** A tsconfig that maps @syncline/core to its sources, so the helper runs without a build. */
function tsconfigForSources(): string {
  const file = join(tempDir(), 'tsconfig.json');
  const paths = { '@syncline/core': [join(REPO, 'packages/core/src/index.ts')] };
  writeFileSync(file, JSON.stringify({ extends: join(REPO, 'tsconfig.base.json'), compilerOptions: { baseUrl: REPO, paths } }));
  return file;
}
let tsconfig: string;
beforeAll(() => (tsconfig = tsconfigForSources()));
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface HelperLine {
  readonly holder?: CheckpointLockHolder;
  readonly error?: { name: string; code: string; message: string; holder?: CheckpointLockHolder };
}

/** Runs the helper; resolves with the child and its first output line. */
function helper(mode: 'hold' | 'try', dir: string): Promise<{ child: ChildProcess; line: HelperLine }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HELPER, mode, dir], {
    cwd: REPO,
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) res({ child, line: JSON.parse(out.split('\n')[0]!) as HelperLine });
    });
    child.on('exit', (code) => rej(new Error(`helper ${mode} exited ${code} without a line: ${err}`)));
  });
}

const exited = (c: ChildProcess): Promise<unknown> => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));

describe('flockCheckpointLock (flock(2) through koffi), real processes', () => {
  it('a second process is refused with the holder named; kill -9 of the holder frees the directory at once', async () => {
    const dir = join(tempDir(), 'ckpt');
    const { child: holderProc, line } = await helper('hold', dir);
    const holder = line.holder!;
    expect(holder).toMatchObject({ host: hostname(), pid: holderProc.pid });
    expect(parseLockHolder(readFileSync(join(dir, FLOCK_FILE), 'utf8'))).toEqual(holder);

    const second = await helper('try', dir);
    expect(second.line.error).toMatchObject({ name: 'CheckpointDirLockedError', code: 'CHECKPOINT_DIR_LOCKED', holder });
    expect(second.line.error!.message).toContain(
      `locked by another run: pid ${holder.pid} on host ${holder.host}, started ${holder.startedAt}, run ${holder.runId}`,
    );
    expect(second.line.error!.message).toContain('Another run is writing here: stop it');
    await exited(second.child);
    expect(second.child.exitCode).toBe(3);

    const here = await flockCheckpointLock.acquire(dir, checkpointLockHolder('run-here')).catch((e: unknown) => e);
    expect(here).toBeInstanceOf(CheckpointDirLockedError);
    expect((here as CheckpointDirLockedError).holder).toEqual(holder);

    holderProc.kill('SIGKILL');
    await exited(holderProc);
    expect(existsSync(join(dir, FLOCK_FILE))).toBe(true); // the dead holder's file stays; its lock does not
    const held = await flockCheckpointLock.acquire(dir, checkpointLockHolder('run-here')); // one try, no waiting
    expect(parseLockHolder(readFileSync(join(dir, FLOCK_FILE), 'utf8'))?.runId).toBe('run-here');
    await held.release();
  }, 60_000);

  it('release frees the directory for another process and removes the lock file', async () => {
    const dir = tempDir();
    const held = await flockCheckpointLock.acquire(dir, checkpointLockHolder('run-a'));
    expect((await helper('try', dir)).line.error?.holder?.runId).toBe('run-a');
    await held.release();
    await held.release(); // idempotent
    expect(existsSync(join(dir, FLOCK_FILE))).toBe(false);
    const next = await helper('try', dir);
    expect(next.line.holder?.pid).toBe(next.child.pid);
  }, 60_000);

  it('within one process a second acquire is refused too (flock belongs to the open file)', async () => {
    const dir = tempDir();
    const held = await flockCheckpointLock.acquire(dir, checkpointLockHolder('run-a'));
    await expect(flockCheckpointLock.acquire(dir, checkpointLockHolder('run-b'))).rejects.toThrow(/locked by another run: pid \d+ .* run run-a/);
    await held.release();
  });

  it('a directory that cannot be created is a CheckpointError naming the lock file, not a lock refusal', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, '');
    await expect(flockCheckpointLock.acquire(join(file, 'ckpt'), checkpointLockHolder('r'))).rejects.toThrow(
      /Checkpoint .*not-a-dir\/ckpt\/\.syncline\.lock: could not be opened \(ENOTDIR/,
    );
  });
});
