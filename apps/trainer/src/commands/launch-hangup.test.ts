import { EventEmitter } from 'node:events';
import { Command } from 'commander';
import { GRACEFUL, nodeScript, waitForLine } from '../launch/fake-workers.test-helper';
import { registerLaunchCommand } from './launch';

function launcher(script: string, signals = new EventEmitter()) {
  const out: string[] = [];
  const err: string[] = [];
  const exitCodes: number[] = [];
  const program = new Command('syncline').exitOverride().configureOutput({ writeErr: (s) => err.push(s) });
  registerLaunchCommand(program, {
    io: { stdout: (l) => out.push(l), stderr: (l) => err.push(l) },
    workerCommand: () => nodeScript(script),
    signals,
    setExitCode: (c) => exitCodes.push(c),
    keepRunningWithoutOutput: () => undefined,
  });
  const run = (args: string[]): Promise<unknown> => program.parseAsync(['launch', ...args], { from: 'user' });
  return { run, out, err, exitCodes, signals };
}

describe('syncline launch: hang-up and secrets', () => {
  it('SIGHUP (its terminal or ssh session gone) stops the workers cleanly, like SIGTERM, and exits 129', async () => {
    const l = launcher(GRACEFUL);
    const done = l.run(['--workers', '2', '--', 'train']);
    await waitForLine(l.out, /ready$/, 2);
    l.signals.emit('SIGHUP', 'SIGHUP');
    await done;
    expect(l.out.filter((o) => o.endsWith('checkpointed at step boundary'))).toHaveLength(2);
    expect(l.err).toContain('syncline launch: stopped by SIGHUP; all 2 worker(s) exited cleanly');
    expect(l.exitCodes).toEqual([129]);
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => l.signals.listenerCount(s))).toEqual([0, 0, 0]);
  });

  it('refuses --auth-token-file after --: the workers get a fresh token of its own', async () => {
    await expect(launcher(GRACEFUL).run(['--workers', '2', '--', 'train', '--auth-token-file=/run/secrets/token'])).rejects.toThrow(
      'syncline launch: train flag --auth-token-file is "/run/secrets/token"; expected no --auth-token-file after --: launch gives its workers a fresh 32-byte token of its own (SYNCLINE_AUTH_TOKEN)',
    );
  });

  it('says when the ring will use mutual TLS', async () => {
    const l = launcher("console.log('done')");
    await l.run(['--workers', '1', '--', 'train', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-ca', 'ca.pem']);
    expect(l.err[0]).toMatch(/; fresh auth token in SYNCLINE_AUTH_TOKEN; mutual TLS on the ring$/);
  });
});
