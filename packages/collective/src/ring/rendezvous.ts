/**
 * Forms the ring's two connections for one rank.
 *
 * 1. Listen on our own address (a stale Unix socket file left by a dead process is removed).
 * 2. Connect to our predecessor's address, retrying with exponential backoff (ECONNREFUSED,
 *    ENOENT, resets) until the rendezvous deadline; run the client handshake on it. This
 *    connection receives DATA through `onread` into a reused buffer.
 * 3. Accept connections; each must pass the server handshake within HANDSHAKE_TIMEOUT_MS
 *    and prove it is our successor. Strangers, garbage and wrong tokens are dropped and
 *    remembered for the error message; the listener keeps serving (and refusing) later.
 * 4. Resolve when both links are up, or reject at the deadline naming the missing rank.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { existsSync, unlinkSync } from 'node:fs';
import { AuthFailedError, CollectiveTimeoutError, isSynclineError } from '@syncline/core';
import { connectOptions, listenOptions, type RingAddress } from './address';
import type { FrameSink } from './frame';
import { ClientHandshake, ServerHandshake, type HandshakeParams } from './handshake';
import type { PeerLink } from './peer-link';

/** A connection must finish the handshake within this long or it is dropped. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
const BACKOFF_START_MS = 25;
/** How long a refused connection may linger to flush its REJECT frame. */
const HANDSHAKE_LINGER_MS = 500;
const BACKOFF_MAX_MS = 1_000;

/** Mutual TLS material (PEM). Both sides present certificates signed by `ca`. */
export interface RingTlsOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  readonly ca: string | Buffer;
  /** Overrides the server-identity check (e.g. certificates without the host's name). */
  readonly checkServerIdentity?: (host: string, cert: tls.PeerCertificate) => Error | undefined;
}

export interface RendezvousParams {
  readonly hs: HandshakeParams;
  readonly addresses: readonly RingAddress[];
  /** Where to listen, when not addresses[rank] (e.g. 0.0.0.0:port behind a service name). */
  readonly listenAt?: RingAddress;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly tls?: RingTlsOptions;
  /** Makes the link object for a neighbour (the communicator owns its sinks). */
  readonly makeLink: (role: 'send' | 'recv', peerRank: number) => PeerLink;
  /** Reports a dropped stranger connection (never fatal). */
  readonly onStranger: (remote: string, error: unknown) => void;
}

export interface RendezvousResult {
  readonly server: net.Server;
  /** Connections still in (or refused by) the handshake; destroy them on close. */
  readonly pending: Set<net.Socket>;
  readonly recv: PeerLink;
  readonly send: PeerLink;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function listen(server: net.Server, addr: RingAddress): Promise<void> {
  if (addr.kind === 'unix' && existsSync(addr.path)) {
    const alive = await new Promise<boolean>((res) => {
      const probe = net.connect(addr.path, () => {
        probe.destroy();
        res(true);
      });
      probe.on('error', () => res(false));
    });
    if (!alive) unlinkSync(addr.path);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenOptions(addr), () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Runs a handshake sink over a socket until it settles; bytes after success stay with the link. */
function runHandshake(socket: net.Socket, link: PeerLink, hs: ClientHandshake | ServerHandshake, realSink: FrameSink, useDataEvents: boolean): Promise<void> {
  link.parser.sink = hs;
  const timer = setTimeout(() => hs.fail(new AuthFailedError(link.address, `no complete handshake within ${HANDSHAKE_TIMEOUT_MS} ms`)), HANDSHAKE_TIMEOUT_MS);
  const onErr = (e: unknown): void => hs.fail(e);
  const onClose = (): void => hs.fail(new Error('connection closed during the handshake'));
  socket.on('error', onErr);
  socket.on('close', onClose);
  if (useDataEvents) socket.on('data', (b: Buffer) => link.onBytes(b, b.length));
  const realFailure = link.onFailure;
  link.onFailure = (_l, e) => hs.fail(e);
  hs.onSuccess = () => {
    link.parser.sink = realSink;
    link.onFailure = realFailure;
  };
  return hs.done.then(
    () => {
      clearTimeout(timer);
      socket.off('error', onErr);
      socket.off('close', onClose);
      link.attach(socket, false);
      link.resume();
    },
    (e) => {
      clearTimeout(timer);
      // end() flushes a REJECT we just wrote, so the peer learns why; destroy soon after regardless
      socket.end();
      setTimeout(() => socket.destroy(), HANDSHAKE_LINGER_MS).unref();
      throw e;
    },
  );
}

export async function rendezvous(p: RendezvousParams, sinks: { recv: FrameSink; send: FrameSink }): Promise<RendezvousResult> {
  const { rank, size } = p.hs;
  const prev = (rank - 1 + size) % size;
  const next = (rank + 1) % size;
  const me = p.listenAt ?? p.addresses[rank]!;
  let sendLink: PeerLink | undefined;
  let gotSend!: (l: PeerLink) => void;
  const sendReady = new Promise<PeerLink>((r) => {
    gotSend = r;
  });
  let lastStranger = '';
  let lastAuthFailure: AuthFailedError | undefined;

  const pending = new Set<net.Socket>();
  const onConnection = (socket: net.Socket): void => {
    pending.add(socket);
    socket.once('close', () => pending.delete(socket));
    const remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : `${me.text} (local peer)`;
    const link = p.makeLink('send', next);
    const hs = new ServerHandshake(
      p.hs,
      remote,
      (b) => socket.write(b),
      (peer) => {
        if (peer !== next) return `rank ${peer} is not rank ${rank}'s successor (rank ${next})`;
        if (sendLink) return `rank ${next} is already connected`;
        return undefined;
      },
    );
    socket.setNoDelay?.(true);
    runHandshake(socket, link, hs, sinks.send, true).then(
      () => {
        pending.delete(socket);
        sendLink = link;
        gotSend(link);
      },
      (e) => {
        lastStranger = `${remote}: ${e instanceof Error ? e.message : String(e)}`;
        if (e instanceof AuthFailedError) lastAuthFailure = e;
        p.onStranger(remote, e);
      },
    );
  };
  const server = p.tls
    ? tls.createServer({ key: p.tls.key, cert: p.tls.cert, ca: p.tls.ca, requestCert: true, rejectUnauthorized: true, noDelay: true }, onConnection)
    : net.createServer({ noDelay: true }, onConnection);
  server.on('error', () => undefined);
  await listen(server, me);

  const connectOnce = (): Promise<PeerLink> => {
    const target = p.addresses[prev]!;
    const link = p.makeLink('recv', prev);
    const base = connectOptions(target);
    let socket: net.Socket;
    if (p.tls) {
      socket = tls.connect({
        ...base,
        key: p.tls.key,
        cert: p.tls.cert,
        ca: p.tls.ca,
        checkServerIdentity: p.tls.checkServerIdentity ?? tls.checkServerIdentity,
      });
    } else {
      socket = net.connect({
        ...base,
        noDelay: true,
        onread: {
          buffer: () => link.nextReadBuffer(),
          callback: (n: number, buf: Uint8Array) => {
            link.onBytes(buf, n);
            return true;
          },
        },
      });
    }
    // Nagle would hold small frames (headers, barrier and heartbeat frames) behind unacknowledged data
    socket.once('connect', () => socket.setNoDelay(true));
    const hs = new ClientHandshake(p.hs, target.text, (b) => socket.write(b), prev);
    socket.once(p.tls ? 'secureConnect' : 'connect', () => hs.begin());
    return runHandshake(socket, link, hs, sinks.recv, !!p.tls).then(() => link);
  };

  const connectLoop = async (): Promise<PeerLink> => {
    let delay = BACKOFF_START_MS;
    let last: unknown;
    while (performance.now() < p.deadline) {
      try {
        return await connectOnce();
      } catch (e) {
        if (e instanceof AuthFailedError || (isSynclineError(e) && e.code === 'PROTOCOL_ERROR')) throw e;
        last = e;
      }
      await sleep(Math.min(delay, Math.max(0, p.deadline - performance.now())));
      delay = Math.min(BACKOFF_MAX_MS, delay * 2);
    }
    // A peer that failed authentication with our listener (and then gave up, so we cannot
    // reach it) is the cause worth naming, not the refused connects that followed.
    if (lastAuthFailure) throw lastAuthFailure;
    throw new CollectiveTimeoutError(
      'rendezvous',
      0,
      p.timeoutMs,
      [prev],
      `could not connect to rank ${prev} at ${p.addresses[prev]!.text}: ${last instanceof Error ? last.message : String(last)}${lastStranger ? `; last refused incoming connection: ${lastStranger}` : ''}`,
    );
  };

  let timer: NodeJS.Timeout | undefined;
  const acceptDeadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          lastAuthFailure ??
            new CollectiveTimeoutError(
              'rendezvous',
              0,
              p.timeoutMs,
              [next],
              `rank ${next} never connected to ${me.text}${lastStranger ? `; last refused connection: ${lastStranger}` : ''}`,
            ),
        ),
      Math.max(0, p.deadline - performance.now()),
    );
  });
  acceptDeadline.catch(() => undefined);
  try {
    const [recv, send] = await Promise.all([connectLoop(), Promise.race([sendReady, acceptDeadline])]);
    return { server, pending, recv, send };
  } catch (e) {
    server.close();
    for (const s of pending) s.destroy();
    sendLink?.shutdown();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
