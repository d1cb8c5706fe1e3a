// The handshake's two sides driven against each other in memory (no sockets): every
// verdict, and that claims only count once the peer proved it knows the token.
import { AuthFailedError, ClusterMismatchError, ProtocolError } from '@syncline/core';
import { NONCE_BYTES } from './auth';
import { controlFrame, FrameParser, FrameType, HEADER_BYTES } from './frame';
import { ClientHandshake, ServerHandshake, type HandshakeParams } from './handshake';
import { encodeHello } from './handshake-wire';

const KEY = Buffer.from('the-shared-token');
const params = (rank: number, size: number, o: Partial<HandshakeParams> = {}): HandshakeParams => ({
  key: KEY,
  rank,
  size,
  chunkBytes: 1 << 20,
  address: `10.0.0.${rank}:2222`,
  ...o,
});

interface Run {
  client: ClientHandshake;
  server: ServerHandshake;
  clientResult: Promise<unknown>;
  serverResult: Promise<unknown>;
}

/**
 * Connects a client and a server; `tamper` may rewrite (or drop, returning null) each frame
 * on its way to the server, as a man in the middle would.
 */
function connect(c: HandshakeParams, s: HandshakeParams, expect: number, o: { holder?: string; tamper?: (f: Buffer) => Buffer | null } = {}): Run {
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const client = new ClientHandshake(c, 'listener', (b) => toServer.push(b), expect);
  const server = new ServerHandshake(
    s,
    'connector',
    (b) => toClient.push(b),
    () => o.holder,
  );
  const parsers = [new FrameParser('listener', client, 1 << 20), new FrameParser('connector', server, 1 << 20)] as const;
  const sinks = [client, server] as const;
  const outcome = (h: ClientHandshake | ServerHandshake): Promise<unknown> =>
    h.done.then(
      () => 'ok',
      (e: unknown) => e,
    );
  const run = { client, server, clientResult: outcome(client), serverResult: outcome(server) };
  client.begin();
  for (let moved = true; moved;) {
    moved = false;
    for (const [i, queue] of [toClient, toServer].entries()) {
      const f = queue.shift();
      if (!f) continue;
      moved = true;
      const frame = i === 1 && o.tamper ? o.tamper(f) : f;
      if (!frame || sinks[i]!.settled) continue;
      try {
        parsers[i]!.feed(frame, 0, frame.length);
      } catch (e) {
        sinks[i]!.fail(e);
      }
    }
  }
  return run;
}

describe('ring handshake', () => {
  it('same token, same cluster: both sides succeed and the listener learns the proven rank', async () => {
    const r = connect(params(1, 3), params(0, 3), 0);
    expect(await r.clientResult).toBe('ok');
    expect(await r.serverResult).toBe('ok');
    expect(r.server.peerRank).toBe(1);
    expect(r.server.peerAddress).toBe('10.0.0.1:2222');
  });

  it('same token, different cluster sizes: both sides fail with ClusterMismatchError naming both sizes, not an auth error', async () => {
    const r = connect(params(1, 3), params(0, 2), 0);
    const [c, s] = [await r.clientResult, await r.serverResult];
    for (const e of [c, s]) {
      expect(e).toBeInstanceOf(ClusterMismatchError);
      expect((e as ClusterMismatchError).kind).toBe('size');
      expect((e as Error).message).toMatch(/cluster of 3 workers.*cluster of 2 workers|cluster of 2 workers.*cluster of 3 workers/);
    }
    expect((c as Error).message).toContain(
      'Cluster size mismatch: rank 1 (10.0.0.1:2222) has a cluster of 3 workers, rank 0 (listener) has a cluster of 2 workers',
    );
    expect((s as Error).message).toContain('rank 0 (10.0.0.0:2222) has a cluster of 2 workers, rank 1 (10.0.0.1:2222) has a cluster of 3 workers');
    expect(r.server.authenticated).toBe(true); // a proven member's word: fatal in rendezvous
  });

  it('different tokens: AuthFailedError on both sides whatever sizes they claim, and the listener treats the peer as a stranger', async () => {
    const r = connect(params(1, 3, { key: Buffer.from('another-token') }), params(0, 2), 0);
    expect(await r.clientResult).toBeInstanceOf(AuthFailedError);
    expect(String(await r.clientResult)).toContain('could not prove it knows the shared token');
    expect(await r.serverResult).toBeInstanceOf(AuthFailedError);
    expect(r.server.authenticated).toBe(false);
  });

  it('a stranger without the token claiming another size gets AuthFailedError, never a mismatch', async () => {
    // it sends a HELLO claiming 5 ranks, ignores the CHALLENGE and answers 32 arbitrary bytes
    const replies: Buffer[] = [];
    const server = new ServerHandshake(
      params(0, 3),
      'stranger',
      (b) => replies.push(b),
      () => undefined,
    );
    const result = server.done.then(
      () => 'ok',
      (e: unknown) => e,
    );
    const parser = new FrameParser('stranger', server, 1 << 20);
    const hello = controlFrame(
      FrameType.Hello,
      encodeHello({ nonce: Buffer.alloc(NONCE_BYTES, 1), rank: 1, size: 5, chunkBytes: 1 << 20, expectRank: 0, address: 'x:1' }),
    );
    parser.feed(hello, 0, hello.length);
    expect(replies.map((f) => f[5])).toEqual([FrameType.Challenge]); // claims are not judged before a proof
    const auth = controlFrame(FrameType.Auth, Buffer.alloc(32, 7));
    expect(() => parser.feed(auth, 0, auth.length)).toThrow(AuthFailedError);
    expect(replies.map((f) => f[5])).toEqual([FrameType.Challenge, FrameType.Reject]);
    expect(server.authenticated).toBe(false);
    server.fail(new Error('closed'));
    expect(await result).toBeInstanceOf(Error);
  });

  it('claims are bound to the MACs: a size rewritten in transit fails authentication, not the size check', async () => {
    const r = connect(params(1, 3), params(0, 3), 0, {
      tamper: (f) => {
        if (f[5] !== FrameType.Hello) return f;
        const g = Buffer.from(f);
        g.writeUInt32LE(2, HEADER_BYTES + NONCE_BYTES + 4); // the size field
        return g;
      },
    });
    expect(await r.clientResult).toBeInstanceOf(AuthFailedError);
    expect(await r.serverResult).not.toBe('ok');
    expect(await r.serverResult).not.toBeInstanceOf(ClusterMismatchError);
  });

  it('a listener at an unexpected rank (addresses in another order): ClusterMismatchError "order" on both sides', async () => {
    const r = connect(params(2, 3), params(0, 3), 1);
    for (const e of [await r.clientResult, await r.serverResult]) {
      expect((e as ClusterMismatchError).kind).toBe('order');
      expect((e as Error).message).toContain('rank 2 expected rank 1 at');
    }
  });

  it('a worker that claims the listener\'s own rank (the same task index): "duplicate" on both sides', async () => {
    const r = connect(params(1, 2), params(1, 2), 1);
    for (const e of [await r.clientResult, await r.serverResult]) {
      expect((e as ClusterMismatchError).kind).toBe('duplicate');
      expect((e as Error).message).toMatch(/^Two workers claim rank 1 of a cluster of 2/);
    }
  });

  it("a second proven successor when the slot is taken: the listener names the first one's address, the connector learns it is a duplicate", async () => {
    const r = connect(params(1, 3), params(0, 3), 0, { holder: '10.0.0.9:2222' });
    const s = (await r.serverResult) as ClusterMismatchError;
    expect(s.kind).toBe('duplicate');
    expect(s.message).toContain('one at 10.0.0.1:2222, one at 10.0.0.9:2222 (both connected to rank 0 at 10.0.0.0:2222)');
    const c = (await r.clientResult) as ClusterMismatchError;
    expect(c.kind).toBe('duplicate');
    expect(c.message).toContain('the one already connected to rank 0 at listener');
  });

  it('different chunk sizes: ProtocolError naming both', async () => {
    const r = connect(params(1, 2, { chunkBytes: 4096 }), params(0, 2), 0);
    for (const e of [await r.clientResult, await r.serverResult]) {
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as Error).message).toMatch(/chunkBytes (4096|1048576), this rank (4096|1048576)/);
    }
  });

  it('AUTH_OK before the listener proved itself is refused (no link to an impostor)', async () => {
    const client = new ClientHandshake(params(1, 2), 'impostor', () => undefined, 0);
    const parser = new FrameParser('impostor', client, 1 << 20);
    client.begin();
    expect(() => parser.feed(controlFrame(FrameType.AuthOk), 0, HEADER_BYTES)).toThrow(/AUTH_OK before the listener proved/);
    expect(client.settled).toBe(false);
  });

  it('DATA before the handshake completes is a protocol error on both sides', () => {
    const server = new ServerHandshake(
      params(0, 2),
      'x',
      () => undefined,
      () => undefined,
    );
    const data = controlFrame(FrameType.Data, new Uint8Array(8));
    expect(() => new FrameParser('x', server, 1 << 20).feed(data, 0, data.length)).toThrow(ProtocolError);
  });
});
