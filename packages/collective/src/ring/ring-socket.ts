/**
 * The socket plumbing of rendezvous: listening (a stale Unix socket file left by a dead
 * process is removed), dialling a rank (TCP or TLS, DATA read through `onread` into the
 * link's buffers), and running a handshake sink over a socket until it settles.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { existsSync, unlinkSync } from 'node:fs';
import { AuthFailedError } from '@syncline/core';
import { connectOptions, listenOptions, type RingAddress } from './address';
import type { FrameSink } from './frame';
import type { ClientHandshake, ServerHandshake } from './handshake';
import type { PeerLink } from './peer-link';

/** A connection must finish the handshake within this long or it is dropped. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long a refused connection may linger to flush its REJECT frame. */
const HANDSHAKE_LINGER_MS = 500;

/** Mutual TLS material (PEM). Both sides present certificates signed by `ca`. */
export interface RingTlsOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  readonly ca: string | Buffer;
  /** Overrides the server-identity check (e.g. certificates without the host's name). */
  readonly checkServerIdentity?: (host: string, cert: tls.PeerCertificate) => Error | undefined;
}

/** Listens on `addr`; rejects with the listen error (EADDRINUSE when something holds the address). */
export async function listen(server: net.Server, addr: RingAddress): Promise<void> {
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

/** A plain or TLS socket to `target` whose received bytes go to `link` (the handshake first). */
export function dial(target: RingAddress, link: PeerLink, tlsOptions: RingTlsOptions | undefined): net.Socket {
  const base = connectOptions(target);
  const socket = tlsOptions
    ? tls.connect({
        ...base,
        key: tlsOptions.key,
        cert: tlsOptions.cert,
        ca: tlsOptions.ca,
        checkServerIdentity: tlsOptions.checkServerIdentity ?? tls.checkServerIdentity,
      })
    : net.connect({
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
  // Nagle would hold small frames (headers, barrier and heartbeat frames) behind unacknowledged data
  socket.once('connect', () => socket.setNoDelay(true));
  return socket;
}

/** Runs a handshake sink over a socket until it settles; bytes after success stay with the link. */
export function runHandshake(
  socket: net.Socket,
  link: PeerLink,
  hs: ClientHandshake | ServerHandshake,
  realSink: FrameSink,
  useDataEvents: boolean,
  timeoutMs = HANDSHAKE_TIMEOUT_MS,
): Promise<void> {
  link.parser.sink = hs;
  const timer = setTimeout(() => {
    hs.timedOut = true;
    hs.fail(new AuthFailedError(link.address, `no complete handshake within ${timeoutMs} ms`));
  }, timeoutMs);
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
    if (hs.p.frameIntegrity) link.enableIntegrity(hs.sessionKeys(), hs.p.rank);
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
      // end() flushes a REJECT (or a last AUTH) we just wrote, so the peer learns why; destroy soon after regardless
      socket.end();
      setTimeout(() => socket.destroy(), HANDSHAKE_LINGER_MS).unref();
      throw e;
    },
  );
}
