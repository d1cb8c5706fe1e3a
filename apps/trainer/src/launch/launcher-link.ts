/**
 * Binds a worker that `syncline launch` started to the launcher's life: when the launcher
 * is gone for any reason (it exited, crashed, got kill -9, or SIGHUP when its ssh session
 * ended), the worker stops as it does on SIGTERM (train checkpoints at the next step
 * boundary and exits 143) instead of training on unsupervised.
 *
 * The link is an inherited socket: the launcher passes one end of a socket pair to each
 * worker as an extra stdio fd (LAUNCHER_FD) and names it in SYNCLINE_LAUNCHER_FD; it never
 * writes to it. The kernel closes the launcher's end when the launcher's process ends, however
 * it ends, and the worker reads end-of-file. It survives exec (taskset), needs no native code
 * and works on any OS Node runs on, unlike Linux's PR_SET_PDEATHSIG.
 *
 * Worker side (watchLauncher), only when SYNCLINE_LAUNCHER_FD is set (`train` run by hand
 * never sees it):
 *   1. Open the fd as a socket, unref'd (it never keeps the worker alive), and from now on
 *      ignore EPIPE/EIO on stdout and stderr: their reader is the launcher, and a worker
 *      whose launcher died must still reach its checkpoint instead of dying of a log line.
 *   2. Note SIGTERMs that arrive (the launcher asking to stop); while nothing else listens,
 *      re-raise it so SIGTERM keeps its default effect (before train installs its watcher).
 *   3. On end-of-file (or an error) on the socket: the launcher is gone. Unless a stop is
 *      already under way, send ourselves SIGTERM (a second one would make train exit at once,
 *      without its checkpoint).
 *   4. If still alive SYNCLINE_LAUNCHER_GRACE_MS later (the launcher's --grace-seconds),
 *      SIGKILL our own process group, as the launcher would have done.
 */
import { Socket } from 'node:net';
import { InvalidConfigError } from '@syncline/core';
import { ignoreBrokenOutput } from './broken-output';

/** The environment variable naming the fd of the launcher link in a launched worker. */
export const LAUNCHER_FD_ENV = 'SYNCLINE_LAUNCHER_FD';
/** The environment variable holding the launcher's grace (ms) between SIGTERM and SIGKILL. */
export const LAUNCHER_GRACE_ENV = 'SYNCLINE_LAUNCHER_GRACE_MS';
/** The stdio index the launcher puts the link at (after stdin, stdout, stderr). */
export const LAUNCHER_FD = 3;
/** The grace a worker allows itself when SYNCLINE_LAUNCHER_GRACE_MS is unset. */
export const DEFAULT_LAUNCHER_GRACE_MS = 30_000;

/** The variables `syncline launch` sets in each worker's environment to bind it. */
export function launcherLinkEnv(graceMs: number): Record<string, string> {
  return { [LAUNCHER_FD_ENV]: String(LAUNCHER_FD), [LAUNCHER_GRACE_ENV]: String(Math.round(graceMs)) };
}

/** What watchLauncher does when the launcher is gone (tests replace the process parts). */
export interface LauncherGoneActions {
  readonly log: (line: string) => void;
  /** Asks this process to stop at the next step boundary (default: SIGTERM to itself). */
  readonly stop: () => void;
  /** Ends this process and its children now (default: SIGKILL to its process group). */
  readonly kill: () => void;
  /** Opens the link at `fd` (default: a net.Socket on it). */
  readonly openLink: (fd: number) => Socket;
}

const defaultActions = (log: (line: string) => void): LauncherGoneActions => ({
  log,
  stop: () => process.kill(process.pid, 'SIGTERM'),
  kill: () => {
    try {
      process.kill(-process.pid, 'SIGKILL'); // a launched worker leads its own process group
    } catch {
      process.kill(process.pid, 'SIGKILL');
    }
  },
  openLink,
});

/** A running watch; dispose() detaches it (the worker finished on its own). */
export interface LauncherWatch {
  dispose(): void;
}

function parseFd(text: string): number {
  const fd = Number(text);
  if (!Number.isInteger(fd) || fd < LAUNCHER_FD)
    throw new InvalidConfigError(LAUNCHER_FD_ENV, text, `the fd number syncline launch passes its workers (${LAUNCHER_FD}); unset it to run train by hand`);
  return fd;
}

function parseGrace(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LAUNCHER_GRACE_MS;
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidConfigError(LAUNCHER_GRACE_ENV, text, 'a number of milliseconds > 0 (launch --grace-seconds x 1000)');
  return ms;
}

function openLink(fd: number): Socket {
  try {
    return new Socket({ fd, readable: true, writable: false });
  } catch (e) {
    throw new InvalidConfigError(
      LAUNCHER_FD_ENV,
      String(fd),
      'an open pipe or socket from syncline launch (it sets this variable only for the workers it starts; unset it to run train by hand)',
      { cause: e },
    );
  }
}

/**
 * Starts watching the launcher when `env` names a launcher link (a launched worker), else
 * does nothing and returns undefined.
 * @throws InvalidConfigError when SYNCLINE_LAUNCHER_FD or SYNCLINE_LAUNCHER_GRACE_MS is malformed, or the fd is not an open pipe
 */
export function watchLauncher(env: NodeJS.ProcessEnv, log: (line: string) => void, actions: Partial<LauncherGoneActions> = {}): LauncherWatch | undefined {
  const fdText = env[LAUNCHER_FD_ENV];
  if (fdText === undefined || fdText === '') return undefined;
  const fd = parseFd(fdText);
  const graceMs = parseGrace(env[LAUNCHER_GRACE_ENV]);
  const act: LauncherGoneActions = { ...defaultActions(log), ...actions };
  const link = act.openLink(fd);
  ignoreBrokenOutput();
  let stopRequested = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onSigterm = (): void => {
    stopRequested = true;
    if (process.listenerCount('SIGTERM') > 1) return; // train's PreemptionWatcher handles it
    process.off('SIGTERM', onSigterm); // nothing else listens yet: SIGTERM keeps its default effect
    process.kill(process.pid, 'SIGTERM');
  };
  process.on('SIGTERM', onSigterm);
  const gone = (): void => {
    if (killTimer !== undefined) return;
    act.log(
      `syncline: the launcher is gone (its link on fd ${fd} closed): ` +
        (stopRequested ? 'already stopping' : 'stopping as on SIGTERM (checkpoint at the next step boundary)') +
        `; killed in ${graceMs / 1000} s if still running`,
    );
    killTimer = setTimeout(() => act.kill(), graceMs);
    killTimer.unref();
    if (!stopRequested) {
      stopRequested = true;
      act.stop();
    }
  };
  link.on('data', () => undefined); // the launcher writes nothing; reading makes end-of-file visible
  for (const event of ['end', 'error', 'close'] as const) link.once(event, gone);
  link.unref();
  return {
    dispose: () => {
      process.off('SIGTERM', onSigterm);
      for (const event of ['end', 'error', 'close'] as const) link.off(event, gone);
      link.destroy(); // the kill timer, if running, stays: it is unref'd and only ends a worker that hangs
    },
  };
}
