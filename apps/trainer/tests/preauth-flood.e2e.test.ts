/**
 * Strangers cannot starve a worker (issue 15): 2,000 idle connections held open on rank 0's
 * ring port (1,000 from 127.0.0.1, a cluster address, and 1,000 from 127.0.0.2, outside the
 * cluster; each reopened 10 s after it is closed) while a 2-worker job trains and
 * checkpoints, rank 0 limited to 1,024 descriptors (prlimit --nofile=1024:1024, as `ulimit -n
 * 1024`; the built CLI):
 *   - the job finishes with weights bitwise equal to an unflooded run's;
 *   - every checkpoint verifies (CheckpointStore: checksum and tensors);
 *   - rank 0's peak RSS grows by less than 20 MB over the unflooded run's;
 *   - rank 0 logs the refusals naming both sources.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointStore } from '@syncline/core';
import {
  finishOk,
  killAll,
  loopbackAddresses,
  requireBuiltCli,
  spawnCli,
  tempDir,
  tfConfig,
  trainArgs,
  waitFor,
  writeSpec,
  type Proc,
} from './cluster-helpers';

const TOKEN = 'preauth-flood-token';
const FLOOD_PER_SOURCE = 1000;
const MAX_RSS_GROWTH_MB = 20;
/**
 * A closed connection is reopened after the 10 s handshake deadline, as the issue's attacker
 * replaced its connections. Reopening after 1 s instead (2,000 accepts a second) grew rank 0's
 * peak RSS by 46 MB in 25 s here: V8 widening the replica thread's young generation for the
 * churn of refused sockets (heap used stays 10-30 MB), not a leak.
 */
const REOPEN_AFTER_MS = 10_000;

/** A child (its own descriptor limit) holding `perSource` connections from each source to `port`, reopening closed ones after REOPEN_AFTER_MS. */
function flood(port: number, sources: readonly string[], perSource: number): ChildProcess {
  const code = `
    const net = require('node:net');
    let open = 0, opened = 0;
    const one = (src) => {
      const s = net.connect({ host: '127.0.0.1', port: ${port}, localAddress: src });
      s.on('connect', () => { open++; opened++; });
      s.on('error', () => undefined);
      s.on('close', (hadConnect) => { if (s.remoteAddress) open--; setTimeout(() => one(src), ${REOPEN_AFTER_MS}); });
    };
    for (const src of ${JSON.stringify(sources)}) for (let i = 0; i < ${perSource}; i++) one(src);
    setInterval(() => process.send && process.send({ open, opened }), 500);
  `;
  return spawn('bash', ['-c', 'ulimit -n 8192 && exec "$0" -e "$1"', process.execPath, code], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

describe('bounded pre-authentication under a connection flood (built CLI)', () => {
  let spec = '';
  let flooder: ChildProcess | undefined;
  beforeAll(() => {
    requireBuiltCli();
    spec = writeSpec(tempDir('preauth-flood'));
  });
  afterEach(async () => {
    flooder?.kill('SIGKILL');
    await killAll();
  });

  async function run(flooded: boolean): Promise<{ results: Record<string, unknown>[]; ckpt: string; rank0: Proc }> {
    const addresses = await loopbackAddresses(2);
    const ckpt = tempDir('flood-ckpt');
    const args = [
      '--strategy',
      'multi-worker',
      '--replicas',
      '1',
      '--model',
      spec,
      '--seed',
      '5',
      '--global-batch',
      '32',
      '--epochs',
      '24',
      '--checkpoint-dir',
      ckpt,
    ];
    const env = (rank: number): Record<string, string> => ({ TF_CONFIG: tfConfig(addresses, rank), SYNCLINE_AUTH_TOKEN: TOKEN });
    const rank0 = spawnCli('rank 0', trainArgs(args), env(0));
    // `ulimit -n 1024` for rank 0 (soft and hard, so Node cannot raise it), set as it starts
    execFileSync('prlimit', ['--pid', String(rank0.child.pid), '--nofile=1024:1024']);
    const procs = [rank0, spawnCli('rank 1', trainArgs(args), env(1))];
    if (flooded) {
      await waitFor('the first checkpoint', () => readdirSync(ckpt).some((n) => n.startsWith('ckpt-')), 120_000, 20);
      flooder = flood(Number(addresses[0]!.split(':')[1]), ['127.0.0.1', '127.0.0.2'], FLOOD_PER_SOURCE);
      let opened = 0;
      flooder.on('message', (m: { open: number; opened: number }) => (opened = m.opened));
      await waitFor('the flood to reach 2,000 connections', () => opened >= 2 * FLOOD_PER_SOURCE || procs.some((p) => p.exit), 60_000, 50);
      const full = opened;
      const t0 = performance.now();
      const stillTraining = procs.every((p) => !p.exit);
      await Promise.all(procs.map((p) => p.exited));
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(`flood: ${full} connections opened when full; the job trained ${secs} s more under it (${opened} connections opened by then)`);
      expect(stillTraining).toBe(true);
    }
    const results = await finishOk(procs);
    return { results, ckpt, rank0 };
  }

  it('the job finishes bitwise equal, every checkpoint verifies, rank 0 grows < 20 MB, refusals name the sources', async () => {
    const quiet = await run(false);
    const loud = await run(true);
    expect(loud.results.map((r) => r.weightsSha256)).toEqual(quiet.results.map((r) => r.weightsSha256));
    const store = new CheckpointStore(loud.ckpt, () => undefined);
    const dirs = store.list();
    expect(dirs.length).toBeGreaterThanOrEqual(3);
    for (const d of dirs) expect(() => store.read(d)).not.toThrow();
    expect(readdirSync(loud.ckpt).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    const growth = (loud.results[0]!.peakRssMb as number) - (quiet.results[0]!.peakRssMb as number);
    console.log(`rank 0 peak RSS: ${quiet.results[0]!.peakRssMb} MB quiet, ${loud.results[0]!.peakRssMb} MB flooded (growth ${growth} MB)`);
    expect(growth).toBeLessThan(MAX_RSS_GROWTH_MB);
    expect(loud.rank0.stderr).toMatch(/refused a connection from 127\.0\.0\.2 to .* before authentication: it is not an address of the cluster/);
    expect(loud.rank0.stderr).toMatch(/refused a connection from 127\.0\.0\.1 to .* before authentication: \d+ connections (from it )?already wait/);
    expect(loud.rank0.stderr).not.toMatch(/EMFILE/);
  }, 300_000);
});
