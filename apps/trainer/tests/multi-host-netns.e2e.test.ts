/**
 * Real multi-host runs: one `syncline train --strategy multi-worker` process per network
 * namespace (veth pairs into a bridge, 10.213.x.0/24), TF_CONFIG naming the namespaces'
 * addresses, the built CLI. (1) After k steps the chief's exported weights equal a
 * single-process run with the same global batch and seed; (2) cutting one host's link
 * mid-training makes every worker fail with a named error within the collective timeout;
 * (3) a host with a wrong SYNCLINE_AUTH_TOKEN cannot join and is reported by its address.
 * Skipped, with the reason printed, where network namespaces cannot be created (not root).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '@syncline/core';
import { NetnsNetwork } from './netns-network';
import { errorLine, finishOk, killAll, requireBuiltCli, spawnCli, startWorkers, tempDir, trainArgs, waitFor, writeSpec } from './cluster-helpers';

const TOKEN = 'netns-test-token';
const PORT = 23461;
const SEED = 11;
const GLOBAL_BATCH = 24; // divides by 1, 2 and 3 workers
const STEPS_PER_EPOCH = 8;
const EPOCHS = 2; // k = 16 steps
const TOLERANCE = 1e-5;
/** Collective timeout of the network-cut run; scheduling slack for the error; process teardown after it. */
const CUT_TIMEOUT_MS = 5000;
const ERROR_SLACK_MS = 2000; // closing a link to an unreachable peer lingers up to 1 s (collective's PeerLink.shutdown)
const EXIT_SLACK_MS = 3000;

function probeNetns(): string | undefined {
  const ns = `sl${process.pid}probe`; // not matched by the stale-namespace cleanup: removed right here
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('ip', ['netns', 'del', ns], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (e) {
    return ((e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message) + ' (needs root and iproute2)';
  }
}

const whyNot = probeNetns();
if (whyNot) console.warn(`multi-host netns tests skipped: \`ip netns add\` failed: ${whyNot}`);
const itNetns = whyNot ? it.skip : it;

function weightsOf(file: string): Map<string, Float32Array> {
  const { tensors } = decodeSafetensors(readFileSync(file), file);
  return new Map([...tensors].map(([k, t]) => [k, t.data]));
}

function maxAbsDiffAll(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  let m = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  }
  return m;
}

describe('multi-worker across network namespaces (built CLI)', () => {
  let dir: string;
  let spec: string;
  let reference: Map<string, Float32Array>;
  const networks: NetnsNetwork[] = [];
  let nextNetwork = 0;
  const common = (): string[] => ['--model', spec, '--seed', String(SEED), '--global-batch', String(GLOBAL_BATCH)];

  beforeAll(async () => {
    requireBuiltCli();
    dir = tempDir('netns');
    spec = writeSpec(dir);
    if (whyNot) return;
    const file = join(dir, 'reference.safetensors');
    const args = [...common(), '--epochs', String(EPOCHS), '--virtual-epoch-size', String(STEPS_PER_EPOCH * GLOBAL_BATCH), '--export-weights', file];
    const t0 = performance.now();
    await finishOk([spawnCli('reference', trainArgs(['--strategy', 'mirrored', '--replicas', '1', ...args]), {})]);
    console.log(`single-process reference: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    reference = weightsOf(file);
  }, 60_000);

  afterEach(async () => {
    await killAll();
    for (const n of networks.splice(0)) n.remove();
  });

  function network(size: number): NetnsNetwork {
    const n = NetnsNetwork.tryCreate(size, nextNetwork++);
    if (typeof n === 'string') throw new Error(n);
    networks.push(n);
    return n;
  }

  for (const size of [2, 3]) {
    itNetns(
      `${size} hosts: the chief's weights after ${EPOCHS * STEPS_PER_EPOCH} steps equal a single-process run`,
      async () => {
        const net = network(size);
        const file = join(dir, `w${size}.safetensors`);
        const t0 = performance.now();
        const results = await finishOk(
          startWorkers({
            addresses: net.addresses.map((a) => `${a}:${PORT}`),
            netns: net.hosts,
            token: TOKEN,
            args: [
              ...common(),
              '--epochs',
              String(EPOCHS),
              '--virtual-epoch-size',
              String(STEPS_PER_EPOCH * GLOBAL_BATCH),
              '--export-weights',
              file,
              '--timeout-ms',
              '30000',
            ],
          }),
        );
        const diff = maxAbsDiffAll(weightsOf(file), reference);
        console.log(`${size} hosts over veth: ${((performance.now() - t0) / 1000).toFixed(1)} s, max |w - w_single| = ${diff.toExponential(2)}`);
        expect(results.map((r) => [r.rank, r.worldSize])).toEqual(results.map((_, i) => [i, size]));
        expect(new Set(results.map((r) => r.weightsSha256)).size).toBe(1); // every worker holds the same weights
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
      },
      90_000,
    );
  }

  itNetns(
    'a network cut (link down) makes every worker fail with a named error within the timeout',
    async () => {
      const size = 3;
      const net = network(size);
      const ckpt = join(dir, 'cut-ckpt');
      const procs = startWorkers({
        addresses: net.addresses.map((a) => `${a}:${PORT}`),
        netns: net.hosts,
        token: TOKEN,
        args: [
          ...common(),
          '--epochs',
          '1000',
          '--virtual-epoch-size',
          String(STEPS_PER_EPOCH * GLOBAL_BATCH),
          '--checkpoint-dir',
          ckpt,
          '--timeout-ms',
          String(CUT_TIMEOUT_MS),
        ],
      });
      // Training is under way on every worker once the chief wrote its first checkpoint.
      await waitFor('the first checkpoint', () => existsSync(ckpt) && readdirSync(ckpt).some((n) => n.startsWith('ckpt-')), 60_000);
      const victim = 1 + Math.floor(Math.random() * (size - 1));
      const tCut = performance.now();
      net.cut(victim);
      const exits = await Promise.all(procs.map((p) => p.exited));
      const secs = (t: number | undefined): string => (t === undefined ? '-' : ((t - tCut) / 1000).toFixed(2));
      const report = procs.map((p, i) => `rank ${i}: error after ${secs(p.errorAt)} s, exit ${exits[i]!.code} after ${secs(exits[i]!.at)} s: ${errorLine(p)}`);
      console.log(`cut rank ${victim}'s link:\n${report.join('\n')}`);
      procs.forEach((p, i) => {
        expect(exits[i]!.code).not.toBe(0);
        expect(exits[i]!.code).not.toBeNull();
        expect(p.errorAt! - tCut).toBeLessThanOrEqual(CUT_TIMEOUT_MS + ERROR_SLACK_MS);
        expect(exits[i]!.at - tCut).toBeLessThanOrEqual(CUT_TIMEOUT_MS + EXIT_SLACK_MS);
        const line = errorLine(p);
        expect(line).toMatch(/WorkerLostError|CollectiveTimeoutError/);
        // The cut worker names a peer it lost; the others name the cut worker (rank or address).
        if (i === victim) expect(line).toMatch(/rank \d|ranks? not yet submitted: \d/);
        else expect(line).toMatch(new RegExp(`rank ${victim}\\b|${net.addresses[victim]!.replace(/\./g, '\\.')}|not yet submitted: .*\\b${victim}\\b`));
      });
    },
    120_000,
  );

  itNetns(
    'a host with a wrong SYNCLINE_AUTH_TOKEN cannot join; the others report it by its address',
    async () => {
      const size = 3;
      const net = network(size);
      const bad = Math.floor(Math.random() * size);
      const ckpt = join(dir, 'auth-ckpt');
      const t0 = performance.now();
      const procs = startWorkers({
        addresses: net.addresses.map((a) => `${a}:${PORT}`),
        netns: net.hosts,
        token: (rank) => (rank === bad ? `wrong-${TOKEN}` : TOKEN),
        args: [...common(), '--epochs', '1', '--checkpoint-dir', ckpt, '--timeout-ms', String(CUT_TIMEOUT_MS)],
      });
      const exits = await Promise.all(procs.map((p) => p.exited));
      console.log(
        `wrong token on rank ${bad} (${net.addresses[bad]}):\n${procs.map((p, i) => `rank ${i}: exit ${exits[i]!.code} after ${((exits[i]!.at - t0) / 1000).toFixed(2)} s: ${errorLine(p)}`).join('\n')}`,
      );
      procs.forEach((p, i) => {
        expect(exits[i]!.code).toBe(1);
        expect(p.stdout).toBe('');
        // A worker may also fail to reach, or lose, a peer that already gave up (named by address).
        expect(errorLine(p)).toMatch(/AuthFailedError|CollectiveTimeoutError|WorkerLostError: replica \d+: Lost rank \d+ \(/);
      });
      expect(errorLine(procs[bad]!)).toMatch(/AuthFailedError/);
      // Every worker with the right token that met the intruder names the intruder's host.
      const accusers = procs.filter((p, i) => i !== bad && /AuthFailedError/.test(errorLine(p)));
      expect(accusers.length).toBeGreaterThan(0);
      for (const p of accusers) expect(errorLine(p)).toContain(`Authentication with ${net.addresses[bad]}:`);
      // nothing was trained, no checkpoint written (the chief's directory lock may have created the directory)
      expect(existsSync(ckpt) ? readdirSync(ckpt).filter((n) => n.startsWith('ckpt-')) : []).toEqual([]);
    },
    60_000,
  );
});
