/**
 * Cluster mistakes at rendezvous end every worker in seconds with an error that names the
 * mistake (issue 20), with real `syncline train --strategy multi-worker` processes from the
 * built CLI on loopback, at the default 300 s timeouts (no --timeout-ms):
 *   - TF_CONFIGs listing clusters of different sizes: ClusterMismatchError naming both sizes;
 *   - two workers started with the same task index: AddressInUseError on the one that cannot
 *     listen, ClusterMismatchError (or the same AddressInUseError, reported) on the others;
 *   - a wrong SYNCLINE_AUTH_TOKEN on one of three workers: AuthFailedError on every worker,
 *     the two good ones naming the bad worker's address, instead of one waiting 300 s.
 */
import { errorLine, killAll, loopbackAddresses, requireBuiltCli, spawnCli, tempDir, tfConfig, trainArgs, writeSpec, type Proc } from './cluster-helpers';

const TOKEN = 'cluster-agreement-token';
/** Every worker must have stopped this long after it was started. */
const STOP_WITHIN_S = 10;

describe('cluster agreement at rendezvous (built CLI, default timeouts)', () => {
  let spec = '';
  beforeAll(() => {
    requireBuiltCli();
    spec = writeSpec(tempDir('cluster-agreement'));
  });
  afterEach(killAll);

  /** One worker per entry: its cluster (TF_CONFIG), its task index and its token. */
  function start(workers: readonly { cluster: readonly string[]; index: number; token?: string }[]): Proc[] {
    const args = [
      '--strategy',
      'multi-worker',
      '--replicas',
      '1',
      '--model',
      spec,
      '--seed',
      '7',
      '--global-batch',
      '24',
      '--epochs',
      '2',
      '--checkpoint-dir',
      tempDir('ckpt'),
    ];
    return workers.map((w, i) =>
      spawnCli(`worker ${i} (task ${w.index})`, trainArgs(args), { TF_CONFIG: tfConfig(w.cluster, w.index), SYNCLINE_AUTH_TOKEN: w.token ?? TOKEN }),
    );
  }

  /** Waits for every worker to exit; logs when each printed its error and exited; returns the error lines. */
  async function stopped(what: string, procs: readonly Proc[], t0: number): Promise<string[]> {
    const exits = await Promise.all(procs.map((p) => p.exited));
    const secs = (t: number | undefined): string => (t === undefined ? '-' : ((t - t0) / 1000).toFixed(2));
    console.log(
      `${what}:\n${procs.map((p, i) => `${p.label}: error after ${secs(p.errorAt)} s, exit ${exits[i]!.code ?? exits[i]!.signal} after ${secs(exits[i]!.at)} s: ${errorLine(p)}`).join('\n')}`,
    );
    procs.forEach((p, i) => {
      expect({ worker: p.label, code: exits[i]!.code }).toEqual({ worker: p.label, code: 1 });
      expect(p.stdout).toBe(''); // no result line: nothing was trained
      expect((exits[i]!.at - t0) / 1000).toBeLessThan(STOP_WITHIN_S);
    });
    return procs.map(errorLine);
  }

  it('TF_CONFIGs listing 2 and 3 workers: every worker stops with ClusterMismatchError naming both sizes', async () => {
    const a = await loopbackAddresses(3);
    const t0 = performance.now();
    const procs = start([
      { cluster: a.slice(0, 2), index: 0 },
      { cluster: a, index: 1 },
    ]);
    for (const line of await stopped('cluster of 2 vs 3', procs, t0)) {
      expect(line).toMatch(/^syncline: ClusterMismatchError: .*Cluster size mismatch: /);
      expect(line).toMatch(/has a cluster of 2 workers/);
      expect(line).toMatch(/has a cluster of 3 workers/);
      expect(line).toContain(`rank 0 (${a[0]})`);
      expect(line).toContain(`rank 1 (${a[1]})`);
      expect(line).toContain("Every worker's TF_CONFIG must list the same cluster");
    }
  }, 60_000);

  it('two workers with the same task index: every worker stops with a named error, the duplicate with AddressInUseError', async () => {
    const a = await loopbackAddresses(2);
    const t0 = performance.now();
    const procs = start([
      { cluster: a, index: 0 },
      { cluster: a, index: 1 },
      { cluster: a, index: 1 },
    ]);
    const lines = await stopped('task indices 0, 1, 1', procs, t0);
    for (const line of lines) expect(line).toMatch(/^syncline: (AddressInUseError|ClusterMismatchError): /);
    const inUse = lines.filter((l) => l.includes(`AddressInUseError: replica 0: Rank 1 cannot listen on ${a[1]}: the address is already in use`));
    expect(inUse.length).toBeGreaterThanOrEqual(1);
    for (const l of inUse) expect(l).toContain('Is another worker using the same TF_CONFIG task index, or another program holding the port?');
    expect(lines.filter((l) => l.includes('ClusterMismatchError') && l.includes('Two workers claim rank 1 of a cluster of 2')).length).toBeGreaterThanOrEqual(
      1,
    );
  }, 60_000);

  it('a wrong token on one of three workers: every worker stops with AuthFailedError naming an address, the good ones the bad one', async () => {
    const a = await loopbackAddresses(3);
    const bad = Math.floor(Math.random() * 3);
    const t0 = performance.now();
    const procs = start(a.map((_, index) => ({ cluster: a, index, token: index === bad ? `wrong-${TOKEN}` : TOKEN })));
    const lines = await stopped(`wrong token on worker ${bad} (${a[bad]})`, procs, t0);
    lines.forEach((line, i) => {
      expect(line).toMatch(/^syncline: AuthFailedError: .*Authentication with 127\.0\.0\.1:\d+ failed: /);
      if (i !== bad) expect(line).toContain(`Authentication with ${a[bad]} failed`);
    });
  }, 60_000);
});
