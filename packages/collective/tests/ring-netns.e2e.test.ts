// The ring across two network namespaces joined by a veth pair: ranks in separate
// processes with distinct, non-loopback addresses (a real cross-host path), a token required.
import { randomBytes } from 'node:crypto';
import { InvalidConfigError } from '@syncline/core';
import { expectedOutput, type ConformanceProgram } from '@syncline/core/testing';
import { createRingCommunicator } from '../src/ring/ring-communicator';
import { forkRank, killAll, type RankProcess } from './ring-harness';
import { createNetnsPair, type NetnsPair } from './netns';

jest.setTimeout(60_000);

it('refuses non-loopback addresses without a token, even with insecure: true', async () => {
  await expect(createRingCommunicator({ rank: 0, addresses: ['10.1.2.3:7000', '10.1.2.4:7000'], insecure: true, timeoutMs: 1000 })).rejects.toThrow(
    InvalidConfigError,
  );
  await expect(createRingCommunicator({ rank: 0, addresses: ['10.1.2.3:7000', '10.1.2.4:7000'], insecure: true, timeoutMs: 1000 })).rejects.toThrow(
    /not loopback: 10\.1\.2\.3:7000, 10\.1\.2\.4:7000/,
  );
});

describe('ring across network namespaces (veth)', () => {
  const pair: NetnsPair | string = createNetnsPair();
  let ranks: RankProcess[] = [];
  afterAll(() => {
    killAll(ranks);
    if (typeof pair !== 'string') pair.remove();
  });
  if (typeof pair === 'string') {
    console.log(`skipping the cross-namespace ring test: ${pair}`);
    it.skip(`runs over distinct addresses (skipped: ${pair})`, () => undefined);
    return;
  }

  it('all-reduces, broadcasts and gathers over 10.x addresses in two namespaces', async () => {
    const addresses = pair.ips.map((ip, i) => `${ip}:${7100 + i}`);
    const token = randomBytes(16).toString('hex');
    ranks = pair.names.map((ns, rank) => forkRank({ rank, addresses, timeoutMs: 20_000 }, { SYNCLINE_AUTH_TOKEN: token }, ['ip', 'netns', 'exec', ns]));
    const ready = await Promise.all(ranks.map((r) => r.next<{ ready?: boolean; error?: { message: string } }>((m) => 'ready' in m || 'error' in m)));
    expect(ready.map((m) => m.error?.message ?? 'ready')).toEqual(['ready', 'ready']);
    const program: ConformanceProgram = {
      ops: [
        { kind: 'allReduce', op: 'sum', length: 1_000_003, seed: 1 },
        { kind: 'allReduce', op: 'max', length: 7, seed: 2 },
        { kind: 'broadcast', root: 1, length: 5000, seed: 3 },
        { kind: 'allGather', length: 3, seed: 4 },
        { kind: 'barrier' },
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
        const want = Array.from(expectedOutput(op, 2));
        const got = res.results![k]!;
        expect(got.length).toBe(want.length);
        expect(got.every((x, i) => x === want[i])).toBe(true);
      });
    }
    for (const r of ranks) r.child.send({ close: true });
    await Promise.all(ranks.map((r) => new Promise((res) => (r.child.exitCode !== null ? res(null) : r.child.once('exit', res)))));
  });
});
