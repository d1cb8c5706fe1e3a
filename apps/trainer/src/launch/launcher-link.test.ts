import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { isSynclineError } from '@syncline/core';
import { LAUNCHER_FD, LAUNCHER_FD_ENV, LAUNCHER_GRACE_ENV, launcherLinkEnv, watchLauncher } from './launcher-link';
import { waitForLine } from './fake-workers.test-helper';

/** A stand-in launcher: a child process holding the other end of a socket pair, which it closes by exiting. */
function fakeLauncher(): { link: Socket; exit: () => void } {
  const child = spawn(process.execPath, ['-e', "process.stdin.on('data', () => process.exit(0))"], { stdio: ['pipe', 'ignore', 'ignore', 'pipe'] });
  return { link: child.stdio[LAUNCHER_FD] as Socket, exit: () => child.stdin!.write('x') };
}

function watch(env: NodeJS.ProcessEnv, link?: Socket) {
  const lines: string[] = [];
  const calls: string[] = [];
  const w = watchLauncher(env, (l) => lines.push(l), {
    stop: () => calls.push('stop'),
    kill: () => calls.push('kill'),
    ...(link ? { openLink: () => link } : {}),
  });
  return { w, lines, calls };
}

describe('watchLauncher', () => {
  it('does nothing for train run by hand (no SYNCLINE_LAUNCHER_FD)', () => {
    expect(watchLauncher({}, () => undefined)).toBeUndefined();
  });

  it('when the launcher is gone, stops as on SIGTERM, then kills after the grace', async () => {
    const launcher = fakeLauncher();
    const { w, lines, calls } = watch(launcherLinkEnv(50), launcher.link);
    expect(calls).toEqual([]);
    launcher.exit();
    await waitForLine(calls, /^kill$/);
    expect(calls).toEqual(['stop', 'kill']);
    expect(lines).toEqual([
      'syncline: the launcher is gone (its link on fd 3 closed): stopping as on SIGTERM (checkpoint at the next step boundary); killed in 0.05 s if still running',
    ]);
    w!.dispose();
  });

  it('sends no second SIGTERM when the launcher already asked to stop (train would exit without its checkpoint)', async () => {
    const launcher = fakeLauncher();
    const preemption = (): void => undefined; // stands for train's PreemptionWatcher
    process.on('SIGTERM', preemption);
    try {
      const { w, lines, calls } = watch(launcherLinkEnv(60_000), launcher.link);
      process.emit('SIGTERM', 'SIGTERM');
      launcher.exit();
      await waitForLine(lines, /launcher is gone/);
      expect(calls).toEqual([]);
      expect(lines[0]).toContain('already stopping');
      w!.dispose();
    } finally {
      process.off('SIGTERM', preemption);
    }
  });

  it.each([
    [
      { [LAUNCHER_FD_ENV]: 'three' },
      /SYNCLINE_LAUNCHER_FD is "three"; expected the fd number syncline launch passes its workers \(3\); unset it to run train by hand/,
    ],
    [{ [LAUNCHER_FD_ENV]: '3', [LAUNCHER_GRACE_ENV]: '-1' }, /SYNCLINE_LAUNCHER_GRACE_MS is "-1"; expected a number of milliseconds > 0/],
    [{ [LAUNCHER_FD_ENV]: '987' }, /SYNCLINE_LAUNCHER_FD is "987"; expected an open pipe or socket from syncline launch/],
  ])('refuses %j by name', (env, message) => {
    let error: unknown;
    try {
      watchLauncher(env, () => undefined);
    } catch (e) {
      error = e;
    }
    expect(isSynclineError(error) && error.code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toMatch(message);
  });
});
