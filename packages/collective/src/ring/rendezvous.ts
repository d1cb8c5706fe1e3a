/**
 * Forms the ring's two connections for one rank, or fails every rank it can reach.
 *
 * 1. Listen on our own address. If it is in use, ask whoever holds it who it is (a notice
 *    handshake claiming our own rank: a duplicate of us fails on it), then fail with
 *    AddressInUseError, telling our predecessor too (step 5).
 * 2. Connect to our predecessor's address, retrying with exponential backoff (ECONNREFUSED,
 *    ENOENT, resets) until the rendezvous deadline; run the client handshake on it. This
 *    connection receives DATA through `onread` into a reused buffer.
 * 3. Accept connections (bounded before authentication, and only from the cluster's
 *    addresses when it lists IPs: accept-gate.ts); each must pass the server handshake
 *    within HANDSHAKE_TIMEOUT_MS and prove it is our successor. Strangers, garbage and wrong tokens are dropped and
 *    remembered for the error message; the listener keeps serving (and refusing) later.
 * 4. Resolve when both links are up, or fail at the deadline naming the missing rank.
 * 5. Failing: a failure we see ourselves (our predecessor failed authentication, a proven
 *    peer's cluster does not fit ours) or one reported over an authenticated link (abort())
 *    is sent as an ABORT on every authenticated link; a neighbour not yet connected is
 *    awaited (we keep dialling and listening) for up to ABORT_LINGER_MS, so it hears of
 *    the failure in seconds instead of at its own deadline. A neighbour that failed its
 *    handshake with us already knows, and is not awaited. Then run() rejects.
 * A proven peer whose cluster does not fit ours fails the ring even after it formed (a
 * duplicate of a rank started late). Only authenticated links carry ABORTs, and a
 * stranger's failed handshake is never fatal, so no one without the token can stop a rank.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { AddressInUseError, AuthFailedError, ClusterMismatchError, CollectiveTimeoutError, isSynclineError } from '@syncline/core';
import type { RingAddress } from './address';
import { abortKindOf, authDetail, failureFrame } from './abort';
import { AcceptGate, clusterSources, type AcceptFrom } from './accept-gate';
import type { FrameSink } from './frame';
import { ClientHandshake, ServerHandshake, type HandshakeParams } from './handshake';
import type { PeerLink } from './peer-link';
import { dial, listen, runHandshake, type RingTlsOptions } from './ring-socket';

export { HANDSHAKE_TIMEOUT_MS, type RingTlsOptions } from './ring-socket';
/** How long a rank failing at rendezvous waits for a neighbour still connecting, to tell it. */
export const ABORT_LINGER_MS = 5_000;
/** How long a rank that cannot listen waits for whoever holds its address to say who it is. */
export const NOTICE_TIMEOUT_MS = 2_000;
const BACKOFF_START_MS = 25;
const BACKOFF_MAX_MS = 1_000;

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
  /**
   * A proven peer (it knows the token) whose cluster does not fit ours connected after the
   * ring formed (e.g. a duplicate of a rank started late): the communicator fails the ring.
   */
  readonly onLateMismatch: (error: unknown, claimedRank: number) => void;
  /** 'cluster' (default): refuse sources outside the cluster's IP addresses; 'any' behind a NAT. */
  readonly acceptFrom?: AcceptFrom;
  /** Where refusals at accept are logged (default: stderr). */
  readonly onRefused?: (line: string) => void;
}

export interface RendezvousResult {
  readonly server: net.Server;
  /** Connections still in (or refused by) the handshake; destroy them on close. */
  readonly pending: Set<net.Socket>;
  readonly recv: PeerLink;
  readonly send: PeerLink;
}

interface Failure {
  readonly error: unknown;
  readonly frame: Buffer;
  /** The predecessor / successor was told (or knows): no need to wait for it. */
  recvDone: boolean;
  sendDone: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
const text = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const isFatal = (e: unknown): boolean =>
  e instanceof AuthFailedError || e instanceof ClusterMismatchError || e instanceof AddressInUseError || (isSynclineError(e) && e.code === 'PROTOCOL_ERROR');

export class Rendezvous {
  readonly #p: RendezvousParams;
  readonly #sinks: { recv: FrameSink; send: FrameSink };
  readonly #prev: number;
  readonly #next: number;
  readonly #me: RingAddress;
  readonly #pending = new Set<net.Socket>();
  readonly #gate: AcceptGate;
  #server: net.Server | undefined;
  #recv: PeerLink | undefined;
  #send: PeerLink | undefined;
  /** The ring address the accepted successor gave (a second claimant of its rank is a duplicate). */
  #sendHolder: string | undefined;
  #lastStranger = '';
  #lastConnectError: unknown;
  #lastAuthFailure: AuthFailedError | undefined;
  /** A connection claiming to be our successor (or a proven peer of another cluster size) failed its handshake with us: it knows. */
  #successorKnows = false;
  #failure: Failure | undefined;
  #finished = false;
  #timers: NodeJS.Timeout[] = [];
  #settle!: { resolve: (r: RendezvousResult) => void; reject: (e: unknown) => void };
  readonly #result = new Promise<RendezvousResult>((resolve, reject) => (this.#settle = { resolve, reject }));

  constructor(p: RendezvousParams, sinks: { recv: FrameSink; send: FrameSink }) {
    const { rank, size } = p.hs;
    this.#p = p;
    this.#sinks = sinks;
    this.#prev = (rank - 1 + size) % size;
    this.#next = (rank + 1) % size;
    this.#me = p.listenAt ?? p.addresses[rank]!;
    this.#gate = new AcceptGate(
      p.acceptFrom === 'any' ? undefined : clusterSources(p.addresses),
      this.#me.text,
      p.onRefused ?? ((line) => process.stderr.write(`${line}\n`)),
    );
  }

  /** Resolves with both links, or rejects with the first failure once the neighbours were told (step 5). */
  async run(): Promise<RendezvousResult> {
    const server = this.#p.tls
      ? tls.createServer(
          { key: this.#p.tls.key, cert: this.#p.tls.cert, ca: this.#p.tls.ca, requestCert: true, rejectUnauthorized: true, noDelay: true },
          (s) => this.#onConnection(s),
        )
      : net.createServer({ noDelay: true }, (s) => this.#onConnection(s));
    server.on('error', () => undefined);
    this.#timers.push(setTimeout(() => this.#timedOut(), Math.max(0, this.#p.deadline - performance.now())));
    try {
      await listen(server, this.#me);
      this.#server = server;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        this.#timers.forEach(clearTimeout);
        throw e;
      }
      const holder = await this.#askHolder();
      const error = new AddressInUseError(this.#me.text, this.#p.hs.rank, holder.detail, { cause: e });
      // a proven worker of this job holding our address fails on our notice and tells its ring: nobody else to tell
      this.#fail(error, this.#p.hs.rank, { send: true, recv: holder.told });
    }
    if (!this.#finished) void this.#connectLoop();
    return this.#result;
  }

  /** A failure reported over an established link (ABORT received, link lost): pass `frame` on and fail. */
  abort(error: unknown, frame: Buffer): void {
    this.#fail(error, -1, {}, frame);
  }

  /**
   * Who holds our address: a notice handshake claiming our own rank. `told`: the holder is a
   * proven worker of this job, which fails on the notice (a cluster mismatch) and tells its ring.
   */
  async #askHolder(): Promise<{ detail: string | undefined; told: boolean }> {
    const { rank, size } = this.#p.hs;
    let hs: ClientHandshake | undefined;
    try {
      await this.#connectOnce(this.#p.addresses[rank]!, rank, NOTICE_TIMEOUT_MS, (h) => (hs = h)).then((link) => link.shutdown());
      return { detail: undefined, told: false };
    } catch (e) {
      const l = hs?.listener;
      const told = !!hs?.authenticated && e instanceof ClusterMismatchError;
      if (e instanceof ClusterMismatchError && e.kind === 'duplicate')
        return { detail: `another worker holds it and also claims rank ${rank} of ${size}`, told };
      if (l) return { detail: `a worker of this job holds it as rank ${l.rank} of a cluster of ${l.size}`, told };
      let detail: string | undefined;
      if (hs?.challenged) detail = 'whoever holds it could not prove the shared token: a worker of another job, or with another token';
      else if (isSynclineError(e) && e.code === 'PROTOCOL_ERROR') detail = 'a program that does not speak the Syncline ring protocol holds it';
      else if (hs?.begun) detail = `whoever holds it did not complete the ring handshake: ${e instanceof AuthFailedError ? authDetail(e) : text(e)}`;
      return { detail, told: false };
    }
  }

  #onConnection(socket: net.Socket): void {
    const admitted = this.#gate.admit(socket);
    if (!admitted) return;
    const pending = this.#pending;
    pending.add(socket);
    socket.once('close', () => pending.delete(socket));
    const remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : `${this.#me.text} (local peer)`;
    const link = this.#p.makeLink('send', this.#next);
    const hs = new ServerHandshake(
      this.#p.hs,
      remote,
      (b) => socket.write(b),
      () => this.#sendHolder,
    );
    socket.setNoDelay?.(true);
    runHandshake(socket, link, hs, this.#sinks.send, true).then(
      () => {
        admitted.settle();
        pending.delete(socket);
        this.#sendHolder = hs.peerAddress;
        this.#linkUp('send', link);
      },
      (e) => {
        admitted.settle();
        this.#lastStranger = `${remote}: ${text(e)}`;
        if (e instanceof AuthFailedError) this.#lastAuthFailure = e;
        // our successor failed with us, or a proven peer with a cluster of another size (our "successor" may not exist for it)
        if (hs.claimedRank === this.#next || (e instanceof ClusterMismatchError && e.kind === 'size')) this.#successorKnows = true;
        if (!hs.authenticated) this.#p.onStranger(remote, e);
        // a proven peer whose cluster does not fit ours fails the ring, during rendezvous or after; a stranger never does
        if (!hs.authenticated || this.#failure) return this.#failure && this.#settleFailure();
        if (this.#finished) this.#p.onLateMismatch(e, hs.claimedRank);
        else this.#fail(e, hs.claimedRank, { send: true });
      },
    );
  }

  /** One dial and handshake; `expect` is the rank the listener should be. */
  #connectOnce(target: RingAddress, expect: number, timeoutMs?: number, seen?: (hs: ClientHandshake) => void): Promise<PeerLink> {
    const link = this.#p.makeLink('recv', expect);
    const socket = dial(target, link, this.#p.tls);
    this.#pending.add(socket);
    socket.once('close', () => this.#pending.delete(socket));
    const hs = new ClientHandshake(this.#p.hs, target.text, (b) => socket.write(b), expect);
    seen?.(hs);
    socket.once(this.#p.tls ? 'secureConnect' : 'connect', () => hs.begin());
    return runHandshake(socket, link, hs, this.#sinks.recv, !!this.#p.tls, timeoutMs).then(() => {
      this.#pending.delete(socket);
      return link;
    });
  }

  async #connectLoop(): Promise<void> {
    let delay = BACKOFF_START_MS;
    const until = (): number => (this.#failure ? Infinity : this.#p.deadline);
    while (!this.#finished && !this.#failure?.recvDone && performance.now() < until()) {
      let hs: ClientHandshake | undefined;
      try {
        this.#linkUp('recv', await this.#connectOnce(this.#p.addresses[this.#prev]!, this.#prev, undefined, (h) => (hs = h)));
        return;
      } catch (caught) {
        const e = this.#notOurs(caught, hs);
        if (this.#finished) return;
        if (isFatal(e) && this.#failure) {
          // failing already: the predecessor answered, so it knows something is wrong (or is a stranger)
          this.#failure.recvDone = true;
          return this.#settleFailure();
        }
        if (isFatal(e)) return this.#fail(e, this.#prev, { recv: true });
        this.#lastConnectError = e;
      }
      await sleep(delay);
      delay = Math.min(BACKOFF_MAX_MS, delay * 2);
    }
  }

  /**
   * The predecessor's port answered, but not with our protocol (bytes that are not a frame),
   * or not at all within the handshake deadline: another program holds it. Named as such
   * (AddressInUseError for the predecessor's address) instead of a token or protocol error.
   */
  #notOurs(e: unknown, hs: ClientHandshake | undefined): unknown {
    if (!hs?.begun || hs.challenged) return e;
    const silent = hs.timedOut;
    const garbage = isSynclineError(e) && e.code === 'PROTOCOL_ERROR';
    if (!silent && !garbage) return e;
    const target = this.#p.addresses[this.#prev]!.text;
    const [me, prev] = [this.#p.hs.rank, this.#prev];
    const what = silent
      ? `it accepted the connection but never answered our HELLO (or rank ${prev} is stopped)`
      : `it answered with something else: ${text(e)}`;
    return new AddressInUseError(target, prev, `rank ${prev}'s port is held by another program, as seen from rank ${me}: ${what}`, { cause: e });
  }

  #linkUp(side: 'recv' | 'send', link: PeerLink): void {
    if (this.#finished) return link.shutdown(this.#failure?.frame);
    if (side === 'recv') this.#recv = link;
    else this.#send = link;
    if (this.#failure) {
      link.shutdown(this.#failure.frame);
      this.#failure[side === 'recv' ? 'recvDone' : 'sendDone'] = true;
      return this.#settleFailure();
    }
    if (this.#recv && this.#send) this.#finish();
  }

  /**
   * Enters failing mode (once): ABORT on every established link, then waits (at most
   * ABORT_LINGER_MS, `linger` false: not at all) for the neighbours still connecting.
   */
  #fail(error: unknown, subject: number, known: { recv?: boolean; send?: boolean }, frame?: Buffer, linger = true): void {
    if (this.#failure || this.#finished) return;
    const f: Failure = {
      error,
      frame: frame ?? failureFrame(abortKindOf(error), subject < 0 ? this.#p.hs.rank : subject, 0, 0, error),
      recvDone: !!known.recv || !linger,
      sendDone: !!known.send || this.#successorKnows || !this.#server || !linger,
    };
    this.#failure = f;
    if (this.#recv) this.#recv.shutdown(f.frame);
    if (this.#send) this.#send.shutdown(f.frame);
    f.recvDone ||= !!this.#recv;
    f.sendDone ||= !!this.#send;
    this.#timers.push(setTimeout(() => this.#finish(), Math.min(ABORT_LINGER_MS, Math.max(0, this.#p.deadline - performance.now()))));
    this.#settleFailure();
  }

  #settleFailure(): void {
    const f = this.#failure!;
    f.sendDone ||= this.#successorKnows;
    if (f.recvDone && f.sendDone) this.#finish();
  }

  #timedOut(): void {
    if (this.#finished) return;
    if (this.#failure) return this.#finish();
    const { prev, next } = { prev: this.#prev, next: this.#next };
    const refused = this.#lastStranger ? `; last refused incoming connection: ${this.#lastStranger}` : '';
    const error =
      this.#lastAuthFailure ??
      (this.#recv
        ? new CollectiveTimeoutError('rendezvous', 0, this.#p.timeoutMs, [next], `rank ${next} never connected to ${this.#me.text}${refused}`)
        : new CollectiveTimeoutError(
            'rendezvous',
            0,
            this.#p.timeoutMs,
            [prev],
            `could not connect to rank ${prev} at ${this.#p.addresses[prev]!.text}: ${text(this.#lastConnectError)}${refused}`,
          ));
    this.#fail(error, this.#recv ? next : prev, {}, undefined, false);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const t of this.#timers) clearTimeout(t);
    const f = this.#failure;
    if (!f) return this.#settle.resolve({ server: this.#server!, pending: this.#pending, recv: this.#recv!, send: this.#send! });
    this.#server?.close();
    for (const s of this.#pending) s.destroy();
    this.#settle.reject(f.error);
  }
}
