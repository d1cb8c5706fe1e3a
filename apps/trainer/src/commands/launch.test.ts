import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { TFConfigClusterResolver, isSynclineError } from '@syncline/core';
import { nodeScript, RANK_FROM_TF_CONFIG, GRACEFUL, STUBBORN, FAILS_WITH_3, waitForLine } from '../launch/fake-workers.test-helper';
import { allowedCpus, formatCpuList, planCpuBinding } from '../launch/cpu-binding';
import { registerLaunchCommand, type LaunchDeps } from './launch';

/** A fake `syncline train`: records what it got (TF_CONFIG, argv, token into a file) and prints a JSON result. */
const REPORTER = `${RANK_FROM_TF_CONFIG}
  require('fs').writeFileSync(require('path').join(process.env.FAKE_OUT_DIR, 'token-' + rank), process.env.SYNCLINE_AUTH_TOKEN);
  console.log('rank ' + rank + ' training');
  console.log(JSON.stringify({ rank, tfConfig: process.env.TF_CONFIG, argv: process.argv.slice(1) }));`;

function launcher(script: string, extra: Partial<LaunchDeps> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const exitCodes: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'syncline-launch-'));
  const program = new Command('syncline').exitOverride().configureOutput({ writeErr: (s) => err.push(s) });
  registerLaunchCommand(program, {
    io: { stdout: (l) => out.push(l), stderr: (l) => err.push(l) },
    workerCommand: () => nodeScript(script),
    signals: new EventEmitter(),
    setExitCode: (c) => exitCodes.push(c),
    env: { ...process.env, FAKE_OUT_DIR: dir },
    ...extra,
  });
  const run = (args: string[]): Promise<unknown> => program.parseAsync(['launch', ...args], { from: 'user' });
  return { run, out, err, exitCodes, dir };
}

describe('syncline launch', () => {
  it('starts W workers with their own TF_CONFIG, one fresh token, the train flags, and ends with rank 0 JSON', async () => {
    const l = launcher(REPORTER);
    await l.run(['--workers', '3', '--replicas-per-worker', '2', '--json', '--', 'train', '--epochs', '1']);
    const last = JSON.parse(l.out[l.out.length - 1]!) as { rank: number; argv: string[] };
    expect(last.rank).toBe(0);
    expect(last.argv).toEqual(['train', '--strategy', 'multi-worker', '--replicas', '2', '--epochs', '1', '--json']);
    const reports = l.out
      .filter((o) => o.startsWith('[rank ') && o.includes('{'))
      .map((o) => JSON.parse(o.slice(o.indexOf('{'))) as { rank: number; tfConfig: string });
    expect(reports.map((r) => r.rank).sort()).toEqual([1, 2]);
    expect(l.out.filter((o) => /^\[rank \d\] rank \d training$/.test(o))).toHaveLength(3);
    const resolvers = [JSON.parse(l.out[l.out.length - 1]!) as { tfConfig: string }, ...reports].map((r) => TFConfigClusterResolver.fromObject(r.tfConfig));
    resolvers.sort((a, b) => a.rank - b.rank);
    const base = Number(resolvers[0]!.rankAddresses[0]!.split(':')[1]);
    expect(resolvers.map((r) => [r.rank, r.worldSize, r.taskType, r.isChief])).toEqual([
      [0, 3, 'worker', true],
      [1, 3, 'worker', false],
      [2, 3, 'worker', false],
    ]);
    for (const r of resolvers) expect(r.rankAddresses).toEqual([0, 1, 2].map((i) => `127.0.0.1:${base + i}`));
    const tokens = readdirSync(l.dir)
      .sort()
      .map((f) => readFileSync(join(l.dir, f), 'utf8'));
    expect(tokens).toHaveLength(3);
    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(tokens).size).toBe(1);
    expect([...l.out, ...l.err].some((line) => line.includes(tokens[0]!))).toBe(false);
    expect(l.err[0]).toMatch(
      /^syncline launch: 3 worker\(s\) x 2 replica\(s\); ranks 0=127\.0\.0\.1:\d+ 1=127\.0\.0\.1:\d+ 2=127\.0\.0\.1:\d+; worker 0 acts as chief; fresh auth token in SYNCLINE_AUTH_TOKEN$/,
    );

    const again = launcher(REPORTER);
    await again.run(['--workers', '1', '--', 'train']);
    expect(readFileSync(join(again.dir, 'token-0'), 'utf8')).not.toBe(tokens[0]);
  });

  it('--bind-to core starts each worker bound to its own share of the CPUs', async () => {
    const cpus = allowedCpus();
    const workers = Math.min(2, cpus.length);
    const l = launcher(`${RANK_FROM_TF_CONFIG}
      console.log(JSON.stringify({ rank, cpus: /Cpus_allowed_list:\\s*(\\S+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1] }));`);
    await l.run(['--workers', String(workers), '--bind-to', 'core', '--', 'train']);
    const shares = planCpuBinding(workers, cpus).map(formatCpuList);
    const seen = l.out.map((o) => JSON.parse(o.slice(o.indexOf('{'))) as { rank: number; cpus: string }).sort((a, b) => a.rank - b.rank);
    expect(seen).toEqual(shares.map((c, rank) => ({ rank, cpus: c })));
    expect(l.err[0]).toContain(`; bound to CPUs ${shares.map((c, r) => `${r}=${c}`).join(' ')}`);

    const tooMany = launcher(REPORTER, { cpus: () => [0, 1] });
    const error = await tooMany.run(['--workers', '3', '--bind-to', 'core', '--', 'train']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/--bind-to.*at most 2 worker\(s\).*--bind-to none/);
    const typo = launcher(REPORTER);
    await expect(typo.run(['--workers', '1', '--bind-to', 'socket', '--', 'train'])).rejects.toThrow();
    expect(typo.err.join('')).toMatch(/--bind-to.*socket.*Allowed choices are none, core/);
  });

  it('uses --chief and --base-port', async () => {
    const l = launcher(REPORTER);
    await l.run(['--workers', '2', '--chief', '--base-port', '45100', '--', 'train', '--json']);
    const chief = TFConfigClusterResolver.fromObject((JSON.parse(l.out[l.out.length - 1]!) as { tfConfig: string }).tfConfig);
    expect(chief.toTfConfig()).toEqual({ cluster: { chief: ['127.0.0.1:45100'], worker: ['127.0.0.1:45101'] }, task: { type: 'chief', index: 0 } });
  });

  it('when a worker fails, stops the others and fails naming the rank, its exit code and last error line', async () => {
    const l = launcher(`${RANK_FROM_TF_CONFIG} if (rank === 1) { ${FAILS_WITH_3} } else { ${GRACEFUL} }`);
    const error = await l.run(['--workers', '3', '--', 'train']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isSynclineError(error) && error.code).toBe('WORKER_LOST');
    expect((error as Error).message).toMatch(
      /^Lost rank 1 \(127\.0\.0\.1:\d+\): worker exited with code 3 \(last error line: "Error: boom"\); stopped rank\(s\) 0, 2\. /,
    );
    expect(l.err).toContain('[rank 1] Error: boom');
  });

  it('forwards SIGTERM to the workers, waits for them, and exits 128 + the signal', async () => {
    const signals = new EventEmitter();
    const l = launcher(GRACEFUL, { signals });
    const done = l.run(['--workers', '2', '--', 'train']);
    await waitForLine(l.out, /ready$/, 2);
    signals.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(l.out.filter((o) => o.endsWith('checkpointed at step boundary'))).toHaveLength(2);
    expect(l.err).toContain('syncline launch: stopped by SIGTERM; all 2 worker(s) exited cleanly');
    expect(l.exitCodes).toEqual([143]);
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('on Ctrl-C, SIGKILLs workers still running after --grace-seconds and says so', async () => {
    const signals = new EventEmitter();
    const l = launcher(STUBBORN, { signals });
    const done = l.run(['--workers', '2', '--grace-seconds', '0.2', '--', 'train']);
    await waitForLine(l.out, /ready$/, 2);
    signals.emit('SIGINT', 'SIGINT');
    await done;
    expect(l.err).toContain('syncline launch: stopped by SIGINT; rank 0 was killed by SIGKILL, rank 1 was killed by SIGKILL');
    expect(l.exitCodes).toEqual([130]);
  });

  it('fails when --json is asked and rank 0 prints no JSON line', async () => {
    const l = launcher("console.log('no json here')");
    await expect(l.run(['--workers', '1', '--json', '--', 'train'])).rejects.toThrow(
      /rank 0" broke its contract: it exited 0 but its last stdout line is not a JSON object/,
    );
    expect(l.out).toEqual(['[rank 0] no json here']);
  });

  it.each([
    [['--workers', '2', '--', 'fit'], /the command after -- is "fit"; expected "train" followed by train flags/],
    [
      ['--workers', '2', '--', 'train', '--replicas', '4'],
      /train flag --replicas is "4"; expected no --replicas after --: set replicas per worker with launch --replicas-per-worker/,
    ],
    [['--workers', '2', '--', 'train', '--strategy=mirrored'], /train flag --strategy is "mirrored"; expected "multi-worker" or no --strategy/],
    [['--workers', '0', '--', 'train'], /--workers must be an integer from 1 to/],
    [['--workers', '2', '--base-port', '65535', '--', 'train'], /basePort is 65535; expected an integer port from 1 to 65534/],
    [['--workers', '2', '--host-ip', '999.1.1.1', '--', 'train'], /--host-ip is "999.1.1.1"; expected an address of this machine/],
    [['--', 'train'], /required option '--workers <n>' not specified/],
  ])('rejects %j', async (args, message) => {
    const l = launcher(REPORTER);
    await expect(l.run(args)).rejects.toThrow(message);
    expect(readdirSync(l.dir)).toEqual([]);
  });
});
