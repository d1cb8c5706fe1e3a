/**
 * The `syncline` app's checkpoint-directory lock: flock(2) on `<dir>/.syncline.lock`,
 * called in libc through koffi (core has no native code; the app may).
 *
 * Why flock: the kernel drops the lock when the last descriptor of the open file closes,
 * and a dying process closes all of its descriptors, so a crash or kill -9 frees the
 * directory at once: no stale lock, no timeout, no "steal" rule, and no pid-file guess
 * about whether a holder on another host is alive. Node has no API for it, hence koffi.
 * flock rather than fcntl: fcntl locks belong to the process and fall when *any* of its
 * descriptors of the file closes (a stray readFileSync would drop them); flock belongs to
 * this one open file. On a Linux NFS client flock is sent to the server as a whole-file
 * lock, so it also excludes a writer on another host sharing the directory (core's
 * default socket lock covers one host only); a crashed *host* keeps it until the
 * server's lease expires (about 90 s on NFSv4). No pure-Node mechanism found offers both
 * kernel release and a shared filesystem: O_EXCL pid files go stale, sockets are per host.
 *
 *   1. open the lock file read-write, creating it but never truncating it, and call
 *      flock(LOCK_EX | LOCK_NB): it never waits;
 *   2. EWOULDBLOCK: another process holds it; read the holder JSON it wrote into the file
 *      (for at most HOLDER_READ_TIMEOUT_MS) and throw CheckpointDirLockedError naming it;
 *   3. check that the file locked is still the one at the path (device and inode): a
 *      holder releasing unlinks it, and a lock on an unlinked file excludes nobody; retry;
 *   4. truncate the file, write this process's holder JSON, fsync; keep the descriptor
 *      for the run (Node opens files close-on-exec, so child processes do not inherit it);
 *   5. release: unlink the file while still holding it, then close the descriptor.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, constants, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  CheckpointDirLockedError,
  CheckpointError,
  formatLockHolder,
  readLockHolder,
  type CheckpointDirLock,
  type CheckpointLockHolder,
  type HeldCheckpointLock,
} from '@syncline/core';

/** The lock file, which is also the holder file, inside the checkpoint directory. */
export const FLOCK_FILE = '.syncline.lock';
/** <sys/file.h>, the same on Linux, macOS and the BSDs. */
const LOCK_EX = 2;
const LOCK_NB = 4;
/** Attempts when the file locked was unlinked by a releasing holder meanwhile (step 3). */
const MAX_STALE_INODE_RETRIES = 8;

/** The part of koffi used here (its own typings are ESM-only, and this app builds CommonJS). */
interface Koffi {
  load(path: string): { func(signature: string): unknown };
  errno(): number;
  readonly os: { readonly errno: Readonly<Record<string, number>> };
}
interface Libc {
  readonly flock: (fd: number, op: number) => number;
  readonly errno: () => number;
  readonly errnoName: (n: number) => string;
  readonly EWOULDBLOCK: number;
}
let libc: Libc | undefined;

function loadLibc(): Libc {
  if (libc) return libc;
  let koffi: Koffi;
  try {
    koffi = require('koffi') as Koffi;
  } catch (e) {
    throw new CheckpointError(
      '(lock)',
      `koffi, which the checkpoint-directory lock calls flock(2) through, could not be loaded (${(e as Error).message.split('\n')[0]}); reinstall the syncline CLI`,
      { cause: e },
    );
  }
  const lib = koffi.load(process.platform === 'darwin' ? 'libSystem.B.dylib' : 'libc.so.6');
  const flock = lib.func('int flock(int, int)') as (fd: number, op: number) => number;
  const names = new Map(Object.entries(koffi.os.errno).map(([k, v]) => [v, k]));
  libc = { flock, errno: () => koffi.errno(), errnoName: (n) => names.get(n) ?? `errno ${n}`, EWOULDBLOCK: koffi.os.errno.EWOULDBLOCK ?? 11 };
  return libc;
}

function sameFile(fd: number, path: string): boolean {
  try {
    const [a, b] = [fstatSync(fd), statSync(path)];
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false; // unlinked meanwhile
  }
}

class FlockCheckpointLock implements CheckpointDirLock {
  readonly name = 'flock';

  async acquire(dir: string, holder: CheckpointLockHolder): Promise<HeldCheckpointLock> {
    const c = loadLibc();
    const path = join(dir, FLOCK_FILE);
    for (let attempt = 0; ; attempt++) {
      let fd: number;
      try {
        mkdirSync(dir, { recursive: true });
        fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
      } catch (e) {
        throw new CheckpointError(path, `could not be opened (${(e as Error).message}); the checkpoint directory must be writable`, { cause: e });
      }
      if (c.flock(fd, LOCK_EX | LOCK_NB) !== 0) {
        const errno = c.errno();
        closeSync(fd);
        if (errno === c.EWOULDBLOCK) throw new CheckpointDirLockedError(dir, await readLockHolder(path), `flock on ${path}`);
        throw new CheckpointError(
          path,
          `flock(2) failed with ${c.errnoName(errno)}; the filesystem may not support locks (NFS mounted with nolock?): mount it with locking, or use a local --checkpoint-dir`,
        );
      }
      if (!sameFile(fd, path)) {
        closeSync(fd); // locked a file a releasing holder had just unlinked
        if (attempt < MAX_STALE_INODE_RETRIES) continue;
        throw new CheckpointError(path, `kept being replaced while it was being locked (${MAX_STALE_INODE_RETRIES} tries); is another process deleting it?`);
      }
      try {
        const text = Buffer.from(formatLockHolder(holder));
        ftruncateSync(fd, 0);
        writeSync(fd, text, 0, text.length, 0);
        fsyncSync(fd);
      } catch (e) {
        closeSync(fd);
        throw new CheckpointError(path, `could not be written (${(e as Error).message}); the checkpoint directory must be writable`, { cause: e });
      }
      return held(dir, path, fd, holder);
    }
  }
}

function held(dir: string, path: string, fd: number, holder: CheckpointLockHolder): HeldCheckpointLock {
  let open = true;
  return {
    dir,
    holder,
    release: async () => {
      if (!open) return;
      open = false;
      try {
        unlinkSync(path); // still held: nobody else can have replaced it
      } catch {
        /* removed by hand: closing still releases */
      }
      closeSync(fd);
    },
  };
}

/** flock(2) through koffi: kernel-released, and shared across hosts on NFS. */
export const flockCheckpointLock: CheckpointDirLock = new FlockCheckpointLock();
