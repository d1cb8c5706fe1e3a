/**
 * The lock BackupAndRestore takes by default, with no native code: a Unix socket in
 * Linux's abstract namespace named after the directory. The kernel frees the name when
 * the process dies, so a crash or kill -9 never leaves a stale lock.
 *   1. create the directory; the name is `\0syncline-checkpoint-dir-<sha256 of its real
 *      path>`, padded to fill sun_path (107 bytes after the NUL), so every Node/libuv
 *      version binds the same address whether it passes the name's length or sun_path's;
 *   2. listen on it: binding is atomic, and EADDRINUSE means another process (or another
 *      acquire in this one) holds the directory: read its holder file, throw
 *      CheckpointDirLockedError naming it;
 *   3. write the holder file (HOST_LOCAL_HOLDER_FILE) and unref the server, which never
 *      keeps the process alive and closes every connection at once;
 *   4. release: remove the holder file (when it still names this run), close the server.
 * Limits: one host and one network namespace. Two hosts writing one shared directory, or
 * containers with their own network namespaces, do not see each other's sockets: use a
 * filesystem lock there (`syncline train` uses flock(2)). Other systems have no abstract
 * namespace: defaultCheckpointLock() returns undefined there.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { CheckpointDirLockedError } from '../errors/checkpoint-dir-locked-error';
import { CheckpointError } from '../errors/checkpoint-error';
import type { CheckpointDirLock, HeldCheckpointLock } from './checkpoint-dir-lock';
import { formatLockHolder, parseLockHolder, readLockHolder, type CheckpointLockHolder } from './lock-holder';

/** The holder file this lock writes into the directory it holds. */
export const HOST_LOCAL_HOLDER_FILE = '.syncline-host-lock.json';
/** sun_path is 108 bytes; an abstract name uses all of them after its leading NUL. */
const ABSTRACT_NAME_BYTES = 107;

/** The abstract socket name for `dir` (which must exist). */
export function hostLocalSocketName(dir: string): string {
  const hash = createHash('sha256').update(realpathSync(dir)).digest('hex');
  return '\0' + `syncline-checkpoint-dir-${hash}`.padEnd(ABSTRACT_NAME_BYTES, '.');
}

function listen(server: Server, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(name, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

class HostLocalCheckpointLock implements CheckpointDirLock {
  readonly name = 'host-local socket';

  async acquire(dir: string, holder: CheckpointLockHolder): Promise<HeldCheckpointLock> {
    const holderFile = join(dir, HOST_LOCAL_HOLDER_FILE);
    let name: string;
    try {
      mkdirSync(dir, { recursive: true });
      name = hostLocalSocketName(dir);
    } catch (e) {
      throw new CheckpointError(dir, `could not be created (${(e as Error).message}); check the path and its permissions`, { cause: e });
    }
    const server = createServer((socket) => socket.destroy());
    try {
      await listen(server, name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new CheckpointDirLockedError(
          dir,
          await readLockHolder(holderFile),
          `${this.name} @${name.slice(1).replace(/\.+$/, '')}, holder file ${holderFile}`,
        );
      }
      throw new CheckpointError(dir, `could not be locked: listening on its ${this.name} failed (${(e as Error).message})`, { cause: e });
    }
    server.unref();
    try {
      writeFileSync(holderFile, formatLockHolder(holder));
    } catch (e) {
      server.close();
      throw new CheckpointError(holderFile, `could not be written (${(e as Error).message}); the checkpoint directory must be writable`, { cause: e });
    }
    let released = false;
    return {
      dir,
      holder,
      release: async () => {
        if (released) return;
        released = true;
        try {
          if (parseLockHolder(readFileSync(holderFile, 'utf8'))?.runId === holder.runId) rmSync(holderFile, { force: true });
        } catch {
          /* already gone */
        }
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
}

/** The host-local lock (one shared instance; it holds no state between acquires). */
export const hostLocalCheckpointLock: CheckpointDirLock = new HostLocalCheckpointLock();

/** BackupAndRestore's default lock: hostLocalCheckpointLock on Linux, undefined (none) elsewhere. */
export function defaultCheckpointLock(platform: NodeJS.Platform = process.platform): CheckpointDirLock | undefined {
  return platform === 'linux' ? hostLocalCheckpointLock : undefined;
}
