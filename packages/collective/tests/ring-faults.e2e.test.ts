// Fault tests with real child processes: a rank killed with SIGKILL mid all-reduce, a
// wrong token, and strangers sending garbage to a live ring's port.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AuthFailedError, WorkerLostError } from '@syncline/core';
import { createRingCommunicator } from '../src/ring/ring-communicator';
import { FRAME_MAGIC, HEADER_BYTES } from '../src/ring/frame';
import { forkRank, freePorts, killAll, type RankProcess } from './ring-harness';

jest.setTimeout(60_000);
const TOKEN = 'test-token-' + randomBytes(8).toString('hex');

describe('ring faults (child processes)', () => {
  let ranks: RankProcess[] = [];
  afterEach(() => killAll(ranks));

  it('kill -9 of a rank mid all-reduce: every other rank fails with WorkerLostError naming it, op and seq', async () => {
    const ports = await freePorts(4);
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    ranks = addresses.map((_, rank) =>
      forkRank({ rank, addresses, timeoutMs: 20_000, heartbeatTimeoutMs: 5_000, heartbeatIntervalMs: 500 }, { SYNCLINE_AUTH_TOKEN: TOKEN }),
    );
    await Promise.all(ranks.map((r) => r.next((m) => 'ready' in m)));
    ranks.forEach((r) => r.child.send({ loop: 2 << 20 }));
    const first = await Promise.all(ranks.map((r) => r.next<{ value: number }>((m) => 'progress' in m)));
    expect(first.map((m) => m.value)).toEqual([4, 4, 4, 4]);
    ranks[2]!.child.kill('SIGKILL');
    const errors = await Promise.all([0, 1, 3].map((i) => ranks[i]!.next<{ error: { name: string; message: string } }>((m) => 'error' in m)));
    for (const { error } of errors) {
      expect(error.name).toBe('WorkerLostError');
      expect(error.message).toMatch(new RegExp(`Lost rank 2 \\(${addresses[2]!.replace(/\./g, '\\.')}\\) during allReduce\\(sum\\) #\\d+`));
    }
  });

  it('a frozen rank (SIGSTOP, sockets stay open) is detected by heartbeats long before the op timeout', async () => {
    const ports = await freePorts(3);
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    ranks = addresses.map((_, rank) =>
      forkRank({ rank, addresses, timeoutMs: 120_000, heartbeatTimeoutMs: 1_500, heartbeatIntervalMs: 250 }, { SYNCLINE_AUTH_TOKEN: TOKEN }),
    );
    await Promise.all(ranks.map((r) => r.next((m) => 'ready' in m)));
    ranks.forEach((r) => r.child.send({ loop: 1 << 16 }));
    await Promise.all(ranks.map((r) => r.next((m) => 'progress' in m)));
    ranks[1]!.child.kill('SIGSTOP');
    const errors = await Promise.all([0, 2].map((i) => ranks[i]!.next<{ error: { name: string; message: string } }>((m) => 'error' in m)));
    for (const { error } of errors) {
      expect(error.name).toBe('WorkerLostError');
      expect(error.message).toMatch(/Lost rank 1 .*no heartbeat for \d+ ms/);
    }
    ranks[1]!.child.kill('SIGKILL');
  });

  it('a peer with a wrong token is rejected before any data moves', async () => {
    const ports = await freePorts(2);
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    ranks = [
      forkRank({ rank: 0, addresses, timeoutMs: 4_000 }, { SYNCLINE_AUTH_TOKEN: TOKEN }),
      forkRank({ rank: 1, addresses, timeoutMs: 4_000 }, { SYNCLINE_AUTH_TOKEN: 'not-the-token' }),
    ];
    const outcomes = await Promise.all(
      ranks.map((r) => r.next<{ error?: { name: string; message: string }; phase?: string }>((m) => 'error' in m || 'ready' in m)),
    );
    // Nobody becomes ready (no data moves). Whoever completes a handshake with the other side
    // fails authentication; a rank whose peer already quit over it may instead see that peer
    // refuse connections until the rendezvous times out (a race, named as such).
    for (const o of outcomes) {
      expect(o.phase).toBe('rendezvous');
      expect(o.error?.name).toMatch(/^(AuthFailedError|CollectiveTimeoutError)$/);
    }
    expect(outcomes.some((o) => o.error?.name === 'AuthFailedError')).toBe(true);
  });
});

describe('ring vs strangers (one process, real TCP)', () => {
  it('garbage, oversized and truncated frames and wrong tokens sent to a rank do not disturb the ring', async () => {
    const ports = await freePorts(3);
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    const refused: unknown[] = [];
    const comms = await Promise.all(
      addresses.map((_, rank) => createRingCommunicator({ rank, addresses, authToken: TOKEN, timeoutMs: 20_000, onStranger: (_r, e) => refused.push(e) })),
    );
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(FRAME_MAGIC, 0);
    header[4] = 1;
    header[5] = 1;
    header.writeUInt32LE(0xffffffff, 24); // HELLO claiming 4 GiB
    const wrongVersion = Buffer.from(header);
    wrongVersion[4] = 9;
    const attacks = [randomBytes(5000), header, wrongVersion, header.subarray(0, 10)];
    const strangers = attacks.map((bytes, i) => {
      const s = connect(ports[i % 3]!, '127.0.0.1', () => s.write(bytes));
      s.on('error', () => undefined);
      return s;
    });
    const silent = connect(ports[0]!, '127.0.0.1'); // never speaks: must not hold close() for the handshake timeout
    silent.on('error', () => undefined);
    const results = await Promise.all(
      comms.map(async (c) => {
        const outs: number[] = [];
        for (let k = 0; k < 20; k++) {
          const buf = new Float32Array(100_000).fill(c.rank + k);
          await c.allReduce(buf, 'sum');
          outs.push(buf[99_999]!);
        }
        return outs;
      }),
    );
    for (const outs of results) expect(outs).toEqual(Array.from({ length: 20 }, (_, k) => 3 * k + 3));
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused.every((e) => (e as Error).name === 'ProtocolError' || e instanceof AuthFailedError)).toBe(true);
    await Promise.all(comms.map((c) => c.close()));
    strangers.forEach((s) => s.destroy());
    silent.destroy();
    expect(WorkerLostError).toBeDefined();
  }, 8_000); // the silent stranger's handshake timeout is 10 s: close() must not wait for it
});
