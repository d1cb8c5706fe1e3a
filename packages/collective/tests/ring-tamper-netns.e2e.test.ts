// Frame integrity on a real cross-namespace path: a man in the middle (frame-proxy.ts)
// sits on the link between two ring ranks after the handshake succeeded through it.
// Flipping the sign of DATA payloads, or replaying an earlier DATA frame, fails both ranks
// within one op's deadline with IntegrityError naming the link; an untouched proxy changes
// nothing (bitwise-equal results).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expectedOutput, type ConformanceProgram } from '@syncline/core/testing';
import { forkRank, killAll, type RankProcess } from './ring-harness';
import { createNetnsPair, type NetnsPair } from './netns';

jest.setTimeout(120_000);
/** Each op's deadline in these tests; failures must arrive well within it. */
const OP_TIMEOUT_MS = 20_000;
const FLOATS = 100_000; // 400 KB: a pipelined ring all-reduce, DATA frames both ways

function forkProxy(ns: string, cfg: Record<string, unknown>): ChildProcess {
  return fork(join(__dirname, 'frame-proxy.ts'), [], {
    execPath: 'ip',
    execArgv: ['netns', 'exec', ns, process.execPath, '--import', 'tsx'],
    env: { ...process.env, SYNCLINE_TEST_PROXY: JSON.stringify(cfg) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
const nextMessage = <T>(c: ChildProcess, pred: (m: Record<string, unknown>) => boolean): Promise<T> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (!pred(m)) return;
      c.off('message', on);
      resolve(m as T);
    };
    c.on('message', on);
  });

describe('frame integrity against a man in the middle (network namespaces)', () => {
  const pair: NetnsPair | string = createNetnsPair();
  let ranks: RankProcess[] = [];
  let proxy: ChildProcess | undefined;
  let port = 7400;
  afterEach(() => {
    killAll(ranks);
    proxy?.kill('SIGKILL');
  });
  afterAll(() => {
    if (typeof pair !== 'string') pair.remove();
  });
  if (typeof pair === 'string') {
    console.log(`skipping the tamper tests: ${pair}`);
    it.skip(`(skipped: ${pair})`, () => undefined);
    return;
  }
  const net: NetnsPair = pair;

  /**
   * Rank 0 in namespace A, rank 1 in B listening on B's address; the cluster names the proxy
   * (in A) as rank 1's address, so the link rank 0 dials, which carries rank 1's DATA to rank
   * 0, runs through it. Rank 1 then connects to rank 0 from an address the cluster does not
   * list (as behind a NAT): acceptFrom 'any'.
   */
  async function start(mode: 'pass' | 'flip' | 'replay'): Promise<{ proxyAddress: string }> {
    port += 10;
    const [ipA, ipB] = net.ips;
    const proxyAddress = `${ipA}:${port + 2}`;
    const addresses = [`${ipA}:${port}`, proxyAddress];
    proxy = forkProxy(net.names[0], { listen: proxyAddress, target: `${ipB}:${port + 1}`, mode, fromSeq: 20 });
    await nextMessage(proxy, (m) => 'ready' in m);
    const token = randomBytes(16).toString('hex');
    ranks = [0, 1].map((rank) =>
      forkRank(
        { rank, addresses, timeoutMs: OP_TIMEOUT_MS, acceptFrom: 'any', ...(rank === 1 ? { listenAddress: `${ipB}:${port + 1}` } : {}) },
        { SYNCLINE_AUTH_TOKEN: token },
        ['ip', 'netns', 'exec', net.names[rank]!],
      ),
    );
    const ready = await Promise.all(ranks.map((r) => r.next<{ error?: { message: string } }>((m) => 'ready' in m || 'error' in m)));
    expect(ready.map((m) => m.error?.message ?? 'ready')).toEqual(['ready', 'ready']);
    return { proxyAddress };
  }

  for (const mode of ['flip', 'replay'] as const) {
    it(`${mode === 'flip' ? 'flipped DATA bits' : 'a replayed DATA frame'} from op 20 on: both ranks fail within the op's deadline with IntegrityError naming the link`, async () => {
      const { proxyAddress } = await start(mode);
      const tamperedAt = nextMessage<{ tampered: number }>(proxy!, (m) => 'tampered' in m);
      const errors = ranks.map((r) =>
        r.next<{ error: { name: string; code: string; message: string } }>((m) => 'error' in m).then((m) => ({ ...m.error, at: Date.now() })),
      );
      const progress = ranks[0]!.next<{ value: number }>((m) => 'progress' in m);
      for (const r of ranks) r.child.send({ loop: FLOATS });
      expect((await progress).value).toBe(2); // untampered ops before op 20 sum correctly
      const t0 = (await tamperedAt).tampered;
      const [e0, e1] = await Promise.all(errors);
      for (const e of [e0!, e1!]) {
        expect([e.name, e.code]).toEqual(['IntegrityError', 'INTEGRITY_ERROR']);
        expect(e.message).toContain(`on the link from rank 1 (${proxyAddress}) to rank 0`);
        expect(e.at - t0).toBeLessThan(OP_TIMEOUT_MS);
      }
      expect(e1!.message).toContain('reported round the ring');
      expect(e0!.message).toMatch(mode === 'flip' ? /DATA frame \(op #2\d/ : /altered, replayed, dropped or out of order/);
    });
  }

  it('an untouched proxy changes nothing: every result bitwise equal to the expected one', async () => {
    await start('pass');
    const program: ConformanceProgram = {
      ops: [
        ...Array.from({ length: 25 }, (_, i) => ({ kind: 'allReduce' as const, op: 'sum' as const, length: FLOATS + i, seed: i })),
        { kind: 'broadcast', root: 1, length: 5000, seed: 99 },
        { kind: 'allGather', length: 3, seed: 98 },
      ],
    };
    const results = await Promise.all(
      ranks.map((r) => {
        const p = r.next<{ results?: number[][]; error?: { message: string } }>((m) => 'results' in m || 'error' in m);
        r.child.send({ program });
        return p;
      }),
    );
    for (const res of results) {
      expect(res.error).toBeUndefined();
      program.ops.forEach((op, k) => {
        const want = Float32Array.from(expectedOutput(op, 2));
        const got = Float32Array.from(res.results![k]!);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      });
    }
  });
});
