// Rendezvous faults, each ending on every rank with a named error in seconds, long before
// the rendezvous timeout (set far beyond the test's own timeout, or left at the 300 s
// default): different cluster sizes or orders, a wrong token on one of three ranks, two
// ranks started with the same rank (the same TF_CONFIG task index), a foreign program on a
// rank's port; and strangers without the token, who can stop nothing.
import { connect, createServer, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AddressInUseError, AuthFailedError, ClusterMismatchError, type Communicator } from '@syncline/core';
import { createRingCommunicator } from '../src/ring/ring-communicator';
import { controlFrame, FrameType } from '../src/ring/frame';
import { encodeHello } from '../src/ring/handshake-wire';
import { forkRank, freePorts, killAll, type RankProcess } from './ring-harness';

jest.setTimeout(30_000);
const TOKEN = 'test-token-' + randomBytes(8).toString('hex');
/** Far beyond every test's timeout: a test passes only if nobody waits for it. */
const LONG = 600_000;

const tcp = async (n: number): Promise<string[]> => (await freePorts(n)).map((p) => `127.0.0.1:${p}`);
const join = (rank: number, addresses: readonly string[], o: Record<string, unknown> = {}): Promise<Communicator> =>
  createRingCommunicator({ rank, addresses, authToken: TOKEN, timeoutMs: LONG, ...o });
/** Settles every join; closes the ones that formed a ring; returns each outcome. */
async function outcomes(joins: readonly Promise<Communicator>[]): Promise<(Communicator | Error)[]> {
  return Promise.all(
    joins.map((j) =>
      j.then(
        (c) => c,
        (e: Error) => e,
      ),
    ),
  );
}
/** Runs all-reduces until one rejects (the ring was failed by a peer's report), or gives up after `ms`. */
async function firstFailure(c: Communicator, ms = 10_000): Promise<Error | undefined> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const e = await c.allReduce(new Float32Array(4), 'sum').then(
      () => undefined,
      (x: Error) => x,
    );
    if (e) return e;
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}
const closeAll = (cs: readonly (Communicator | Error)[]): Promise<unknown> =>
  Promise.all(cs.map((c) => (c instanceof Error ? undefined : (c as Communicator).close())));

describe('rendezvous faults (ranks in one process, real TCP)', () => {
  it('different cluster sizes: both ranks fail at once with ClusterMismatchError naming both sizes', async () => {
    const a = await tcp(3);
    const got = await outcomes([join(0, a.slice(0, 2)), join(1, a)]);
    for (const e of got) {
      expect(e).toBeInstanceOf(ClusterMismatchError);
      expect((e as ClusterMismatchError).kind).toBe('size');
    }
    expect((got[0] as Error).message).toMatch(
      /^Cluster size mismatch: rank 0 \(127\.0\.0\.1:\d+\) has a cluster of 2 workers, rank 1 \(127\.0\.0\.1:\d+\) has a cluster of 3 workers\. Every worker's TF_CONFIG must list the same cluster/,
    );
    expect((got[1] as Error).message).toContain(`rank 1 (${a[1]}) has a cluster of 3 workers, rank 0 (${a[0]}) has a cluster of 2 workers`);
  });

  it('the same addresses in another order: the ranks involved fail with ClusterMismatchError "order", the rest hear of it', async () => {
    const a = await tcp(3);
    const swapped = [a[1]!, a[0]!, a[2]!]; // rank 2 thinks rank 1 is at rank 0's address
    const got = await outcomes([join(0, a), join(1, a), join(2, swapped)]);
    for (const e of got) expect(e).toBeInstanceOf(ClusterMismatchError);
    expect((got[2] as ClusterMismatchError).kind).toBe('order');
    expect((got[2] as Error).message).toContain(`rank 2 expected rank 1 at ${a[0]}`);
    expect((got[1] as Error).message).toMatch(/reported round the ring/);
  });

  it('a wrong token on one of three ranks: every rank fails with AuthFailedError naming an address, the good ones naming the bad rank', async () => {
    const a = await tcp(3);
    const got = await outcomes([0, 1, 2].map((r) => join(r, a, { authToken: r === 0 ? 'wrong-token' : TOKEN })));
    for (const e of got) expect(e).toBeInstanceOf(AuthFailedError);
    for (const r of [1, 2]) expect((got[r] as Error).message).toMatch(new RegExp(`^Authentication with ${a[0]!.replace(/\./g, '\\.')} failed`));
    expect((got[2] as Error).message).toContain('reported round the ring'); // its own links authenticate: it was told
  });

  it('a rank started twice after the ring formed: the duplicate gets AddressInUseError, the ring fails with ClusterMismatchError', async () => {
    const a = await tcp(2);
    const ring = await Promise.all([join(0, a), join(1, a)]);
    const dup = await join(1, a).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(dup).toBeInstanceOf(AddressInUseError);
    expect(dup!.message).toBe(
      `Rank 1 cannot listen on ${a[1]}: the address is already in use (another worker holds it and also claims rank 1 of 2). ` +
        'Is another worker using the same TF_CONFIG task index, or another program holding the port? ' +
        'Give every worker its own task index and address, or stop the program holding the port, then restart every worker.',
    );
    // the holder hears the duplicate's proof a moment after the duplicate gave up: ops fail from then on
    for (const e of (await Promise.all(ring.map((c) => firstFailure(c)))) as ClusterMismatchError[]) {
      expect(e).toBeInstanceOf(ClusterMismatchError);
      expect(e.kind).toBe('duplicate');
      expect(e.message).toMatch(/^Two workers claim rank 1 of a cluster of 2/);
    }
    await closeAll(ring);
  });

  it('two ranks started with the same rank at once: every one fails with a named error', async () => {
    const a = await tcp(2);
    const got = await outcomes([join(0, a), join(1, a), join(1, a)]);
    // ranks that formed a ring before the duplicate showed up fail at their next op
    const errors = await Promise.all(got.map((c) => (c instanceof Error ? c : firstFailure(c))));
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toMatch(/^(AddressInUseError|ClusterMismatchError)$/);
    }
    expect(errors.filter((e) => e instanceof AddressInUseError && e.rank === 1 && !/reported/.test(e.message)).length).toBe(1);
    await closeAll(got);
  });

  it("a foreign program on a rank's port: that rank fails with AddressInUseError, its neighbour hears of it", async () => {
    const a = await tcp(2);
    const port = Number(a[1]!.split(':')[1]);
    const foreign = createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => foreign.listen(port, '127.0.0.1', r));
    try {
      const got = await outcomes([join(0, a), join(1, a)]);
      expect(got[1]).toBeInstanceOf(AddressInUseError);
      expect((got[1] as Error).message).toContain(
        `Rank 1 cannot listen on ${a[1]}: the address is already in use (whoever holds it did not complete the ring handshake`,
      );
      expect(got[0]).toBeInstanceOf(AddressInUseError);
      expect((got[0] as Error).message).toContain('reported round the ring');
    } finally {
      foreign.close();
    }
  });

  it('strangers without the token cannot stop a rank in rendezvous (claims, REJECTs, ABORTs, wrong proofs)', async () => {
    const a = await tcp(2);
    const refused: unknown[] = [];
    const first = join(0, a, { onStranger: (_r: string, e: unknown) => refused.push(e) });
    const port = Number(a[0]!.split(':')[1]);
    const hello = controlFrame(
      FrameType.Hello,
      encodeHello({ nonce: randomBytes(32), rank: 1, size: 7, chunkBytes: 1 << 20, expectRank: 0, address: 'evil:1' }),
    );
    const abort = controlFrame(FrameType.Abort, Buffer.from('{"a":"x","d":"stop"}'));
    abort[16] = 4; // kind 'auth'
    const attacks = [
      Buffer.concat([hello, controlFrame(FrameType.Auth, randomBytes(32))]), // another size, no proof
      Buffer.concat([hello, controlFrame(FrameType.Reject, Buffer.from('go away'))]),
      abort, // an ABORT without a handshake
    ];
    const socks: Socket[] = [];
    await new Promise((r) => setTimeout(r, 100)); // rank 0 listens
    for (const bytes of attacks) {
      const s = connect(port, '127.0.0.1', () => s.write(bytes));
      s.on('error', () => undefined);
      socks.push(s);
    }
    await new Promise((r) => setTimeout(r, 500));
    const ring = await Promise.all([first, join(1, a)]);
    const bufs = ring.map((c) => new Float32Array(8).fill(c.rank + 1));
    await Promise.all(ring.map((c, i) => c.allReduce(bufs[i]!, 'sum')));
    expect(bufs.map((b) => b[0])).toEqual([3, 3]);
    expect(refused.length).toBe(attacks.length);
    socks.forEach((s) => s.destroy());
    await closeAll(ring);
  });
});

describe('rendezvous faults (child processes, default rendezvous timeout of 300 s)', () => {
  let ranks: RankProcess[] = [];
  afterEach(() => killAll(ranks));
  type Outcome = { error?: { name: string; message: string }; phase?: string; ready?: boolean };
  const first = (r: RankProcess): Promise<Outcome> => r.next<Outcome>((m) => 'error' in m || 'ready' in m);

  it('a wrong token on one of three ranks: every process fails with AuthFailedError within 10 s', async () => {
    const addresses = await tcp(3);
    const t0 = performance.now();
    ranks = addresses.map((_, rank) => forkRank({ rank, addresses }, { SYNCLINE_AUTH_TOKEN: rank === 0 ? 'wrong-token' : TOKEN }));
    const got = await Promise.all(ranks.map(async (r) => ({ ...(await first(r)), at: (performance.now() - t0) / 1000 })));
    console.log(`wrong token on rank 0 of 3:\n${got.map((o, i) => `rank ${i} after ${o.at.toFixed(2)} s: ${o.error?.name}: ${o.error?.message}`).join('\n')}`);
    got.forEach((o, i) => {
      expect(o.phase).toBe('rendezvous');
      expect(o.error?.name).toBe('AuthFailedError');
      if (i > 0) expect(o.error?.message).toContain(`Authentication with ${addresses[0]} failed`);
      expect(o.at).toBeLessThan(10);
    });
  });

  it('two processes with the same rank: every process fails with a named error within 10 s', async () => {
    const addresses = await tcp(2);
    const t0 = performance.now();
    ranks = [0, 1, 1].map((rank) => forkRank({ rank, addresses }, { SYNCLINE_AUTH_TOKEN: TOKEN }));
    const got = await Promise.all(
      ranks.map(async (r) => {
        let o = await first(r);
        if (o.ready) {
          r.child.send({ loop: 4 }); // formed a ring before the duplicate showed up: its next op fails
          o = await r.next<Outcome>((m) => 'error' in m);
        }
        return { ...o, at: (performance.now() - t0) / 1000 };
      }),
    );
    console.log(`ranks [0, 1, 1]:\n${got.map((o, i) => `process ${i} after ${o.at.toFixed(2)} s: ${o.error?.name}: ${o.error?.message}`).join('\n')}`);
    for (const o of got) {
      expect(o.error?.name).toMatch(/^(AddressInUseError|ClusterMismatchError)$/);
      expect(o.at).toBeLessThan(10);
    }
    expect(got.some((o) => o.error?.name === 'AddressInUseError' && o.error.message.includes(`cannot listen on ${addresses[1]}`))).toBe(true);
  });
});
