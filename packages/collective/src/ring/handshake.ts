/**
 * The two sides of the authentication handshake (protocol in auth.ts, messages in
 * handshake-wire.ts) as FrameSinks: install one as a parser's sink, feed it the
 * connection's bytes, write what it returns. Each resolves `done` on success or rejects
 * with AuthFailedError (no valid proof), ClusterMismatchError (a proven peer whose cluster
 * does not fit ours) or ProtocolError; DATA before success is a protocol error, so no
 * tensor byte is accepted unauthenticated.
 */
import { AuthFailedError, ClusterMismatchError, ProtocolError, type ClusterMember } from '@syncline/core';
import { freshNonce, handshakeMac, macMatches, MAC_BYTES } from './auth';
import { sessionKeys, type SessionKeys } from './frame-mac';
import { controlFrame, FrameType, type FrameHeader, type FrameSink } from './frame';
import {
  decodeChallenge,
  decodeHello,
  encodeChallenge,
  encodeHello,
  judge,
  rejectCode,
  rejectFrame,
  transcript,
  type Challenge,
  type Hello,
  type RejectCode,
  type Verdict,
} from './handshake-wire';

/** What both sides agree on before any data moves. */
export interface HandshakeParams {
  readonly key: Buffer;
  readonly rank: number;
  readonly size: number;
  /** Chunk size in bytes; every rank must use the same. */
  readonly chunkBytes: number;
  /** This rank's own ring address (told to the listeners it connects to). */
  readonly address: string;
  /** Tag every frame after the handshake (frame-mac.ts); every rank must agree. */
  readonly frameIntegrity?: boolean;
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The error for a verdict other than ok; `local` is this rank, `peer` the other claimant. */
function verdictError(v: Exclude<Verdict, 'ok'>, local: ClusterMember, peer: ClusterMember, peerText: string, detail?: string, chunks?: [number, number]) {
  if (v === 'chunk')
    return new ProtocolError(peerText, `rank ${peer.rank} uses chunkBytes ${chunks?.[1]}, this rank ${chunks?.[0]}; configure every rank alike`);
  return new ClusterMismatchError(v, local, peer, detail ? { detail } : {});
}

abstract class HandshakeSink implements FrameSink {
  readonly #d = deferred();
  readonly done = this.#d.promise;
  settled = false;
  /** True once the peer proved it knows the token: a failure after that is a cluster member's word, not a stranger's. */
  authenticated = false;
  /** Set when the handshake deadline ended it (runHandshake). */
  timedOut = false;
  /**
   * Runs synchronously on success, before the parser reads another byte: the peer may send
   * DATA right behind AUTH_OK in the same read, so the caller must switch sinks here.
   */
  onSuccess: () => void = () => undefined;
  constructor(
    readonly p: HandshakeParams,
    readonly peer: string,
    readonly write: (b: Buffer) => void,
  ) {}
  get me(): ClusterMember {
    return { rank: this.p.rank, size: this.p.size, address: this.p.address };
  }
  dataDestination(h: FrameHeader): Uint8Array | null {
    throw new ProtocolError(this.peer, `DATA frame (seq ${h.seq}) before the handshake completed`);
  }
  abstract onFrame(h: FrameHeader, payload: Uint8Array): void;
  /** This side's frame keys for the connection (valid once both nonces are known, i.e. at success). */
  abstract sessionKeys(): SessionKeys;
  protected ok(): void {
    this.settled = true;
    this.onSuccess();
    this.#d.resolve();
  }
  fail(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.#d.reject(e);
  }
}

/** The connecting side: speaks first, checks the listener's proof before proving itself. */
export class ClientHandshake extends HandshakeSink {
  readonly #hello: Hello;
  /** The listener's claims, once its MAC over them verified. */
  #challenge: Challenge | undefined;
  /** The connection opened and HELLO went out. */
  begun = false;
  /** A CHALLENGE arrived (whether or not its proof verified). */
  challenged = false;
  /**
   * @param expectedPeerRank the listener's rank: our predecessor, or our own rank when
   * telling whoever holds our address that we could not listen (a duplicate would be us)
   */
  constructor(
    p: HandshakeParams,
    peer: string,
    write: (b: Buffer) => void,
    readonly expectedPeerRank: number,
  ) {
    super(p, peer, write);
    this.#hello = { nonce: freshNonce(), rank: p.rank, size: p.size, chunkBytes: p.chunkBytes, expectRank: expectedPeerRank, address: p.address };
  }
  /** The listener's proven claims (after its CHALLENGE verified). */
  get listener(): Challenge | undefined {
    return this.#challenge;
  }
  sessionKeys(): SessionKeys {
    return sessionKeys(this.p.key, 'client', this.#hello.nonce, this.#challenge!.nonce);
  }
  begin(): void {
    this.begun = true;
    this.write(controlFrame(FrameType.Hello, encodeHello(this.#hello)));
  }
  onFrame(h: FrameHeader, payload: Uint8Array): void {
    const b = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    if (h.type === FrameType.Heartbeat) return;
    if (h.type === FrameType.Reject) throw this.#refused(rejectCode(h.arg), b.toString('utf8'));
    if (h.type === FrameType.AuthOk) {
      if (!this.#challenge) throw new ProtocolError(this.peer, 'AUTH_OK before the listener proved it knows the shared token');
      return this.ok();
    }
    if (h.type !== FrameType.Challenge || this.#challenge)
      throw new ProtocolError(this.peer, `expected a CHALLENGE, got frame type ${h.type} of ${payload.length} bytes`);
    const { challenge: c, mac } = decodeChallenge(b, this.peer);
    this.challenged = true;
    const t = transcript(this.#hello, c);
    if (!macMatches(handshakeMac(this.p.key, 'server', c.nonce, this.#hello.nonce, t), mac)) {
      this.write(rejectFrame('auth', 'your token proof did not match ours'));
      throw new AuthFailedError(this.peer, 'the listener could not prove it knows the shared token');
    }
    this.authenticated = true;
    this.#challenge = c;
    // prove ourselves even when the claims do not fit: the listener then reaches the same verdict from proven claims
    this.write(controlFrame(FrameType.Auth, handshakeMac(this.p.key, 'client', this.#hello.nonce, c.nonce, t)));
    const v = judge(this.#hello, c);
    if (v !== 'ok') throw this.#mismatch(v);
  }
  #mismatch(v: Exclude<Verdict, 'ok'>, detail?: string): Error {
    const c = this.#challenge!;
    const peer = { rank: c.rank, size: c.size, address: this.peer };
    const note = v === 'order' ? `rank ${this.p.rank} expected rank ${this.expectedPeerRank} at ${this.peer}` : detail;
    return verdictError(v, this.me, peer, this.peer, note, [this.p.chunkBytes, c.chunkBytes]);
  }
  #refused(code: RejectCode, why: string): Error {
    const c = this.#challenge;
    // a proven listener that accepted our claims refuses us as a duplicate: its successor slot is taken
    if (c && code === 'duplicate' && judge(this.#hello, c) === 'ok') {
      const other = { rank: this.p.rank, size: this.p.size, address: `the one already connected to rank ${c.rank} at ${this.peer}` };
      return new ClusterMismatchError('duplicate', this.me, other);
    }
    if (c && code !== 'auth') return this.#mismatch(code, why);
    return new AuthFailedError(this.peer, `the listener refused us: ${why}`);
  }
}

/**
 * The listening side: challenges, verifies, judges, then accepts only the expected rank.
 * `acceptRank` returns the address of the worker already holding that rank's slot, if any.
 */
export class ServerHandshake extends HandshakeSink {
  #hello: Hello | undefined;
  #challenge: Challenge | undefined;
  /** The rank the peer claims in its HELLO (-1 before); proven once `authenticated`. */
  claimedRank = -1;
  constructor(
    p: HandshakeParams,
    peer: string,
    write: (b: Buffer) => void,
    readonly acceptRank: (rank: number) => string | undefined,
  ) {
    super(p, peer, write);
  }
  /** The rank the peer proved it is (valid after success). */
  get peerRank(): number {
    return this.claimedRank;
  }
  sessionKeys(): SessionKeys {
    return sessionKeys(this.p.key, 'server', this.#hello!.nonce, this.#challenge!.nonce);
  }
  /** The connector's own ring address, from its HELLO. */
  get peerAddress(): string {
    return this.#hello?.address ?? this.peer;
  }
  #reject(code: RejectCode, e: Error, why: string): never {
    this.write(rejectFrame(code, why));
    throw e;
  }
  onFrame(h: FrameHeader, payload: Uint8Array): void {
    const b = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    if (h.type === FrameType.Heartbeat) return;
    if (h.type === FrameType.Reject) throw new AuthFailedError(this.peer, `the connecting peer refused our proof: ${b.toString('utf8')}`);
    if (!this.#hello) {
      if (h.type !== FrameType.Hello) throw new ProtocolError(this.peer, `expected a HELLO, got frame type ${h.type} of ${b.length} bytes`);
      const hello = (this.#hello = decodeHello(b, this.peer));
      this.claimedRank = hello.rank;
      const c = (this.#challenge = { nonce: freshNonce(), rank: this.p.rank, size: this.p.size, chunkBytes: this.p.chunkBytes });
      this.write(controlFrame(FrameType.Challenge, encodeChallenge(c, handshakeMac(this.p.key, 'server', c.nonce, hello.nonce, transcript(hello, c)))));
      return;
    }
    if (h.type !== FrameType.Auth || b.length !== MAC_BYTES || this.authenticated)
      throw new ProtocolError(this.peer, `expected AUTH, got frame type ${h.type} of ${b.length} bytes`);
    const hello = this.#hello;
    const c = this.#challenge!;
    if (!macMatches(handshakeMac(this.p.key, 'client', hello.nonce, c.nonce, transcript(hello, c)), b))
      this.#reject('auth', new AuthFailedError(this.peer, `peer claiming rank ${hello.rank} sent a wrong token proof`), 'authentication failed');
    this.authenticated = true;
    const peer = { rank: hello.rank, size: hello.size, address: hello.address };
    const v = judge(hello, c);
    if (v !== 'ok') {
      const detail =
        v === 'order'
          ? `rank ${hello.rank} expected rank ${hello.expectRank} at ${this.p.address}`
          : v === 'duplicate'
            ? `this one holds the address, the other connected from ${this.peer}`
            : undefined;
      const e = verdictError(v, this.me, peer, this.peer, detail, [this.p.chunkBytes, hello.chunkBytes]);
      this.#reject(v, e, e.message);
    }
    const holder = this.acceptRank(hello.rank);
    if (holder !== undefined) {
      const e = new ClusterMismatchError(
        'duplicate',
        peer,
        { ...peer, address: holder },
        { detail: `both connected to rank ${this.p.rank} at ${this.p.address}` },
      );
      this.#reject('duplicate', e, e.message);
    }
    this.write(controlFrame(FrameType.AuthOk));
    this.ok();
  }
}
