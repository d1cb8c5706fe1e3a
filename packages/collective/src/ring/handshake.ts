/**
 * The two sides of the authentication handshake (protocol in auth.ts) as FrameSinks:
 * install one as a parser's sink, feed it the connection's bytes, write what it returns.
 * Each resolves `done` on success or rejects with AuthFailedError/ProtocolError; DATA
 * before success is a protocol error, so no tensor byte is accepted unauthenticated.
 */
import { AuthFailedError, ProtocolError } from '@syncline/core';
import { freshNonce, handshakeMac, macMatches, MAC_BYTES, NONCE_BYTES } from './auth';
import { controlFrame, FrameType, type FrameHeader, type FrameSink } from './frame';

/** What both sides agree on before any data moves. */
export interface HandshakeParams {
  readonly key: Buffer;
  readonly rank: number;
  readonly size: number;
  /** Chunk size in bytes; every rank must use the same. */
  readonly chunkBytes: number;
}

const HELLO_BYTES = NONCE_BYTES + 12;
const CHALLENGE_BYTES = NONCE_BYTES + 8 + MAC_BYTES;

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

abstract class HandshakeSink implements FrameSink {
  readonly #d = deferred();
  readonly done = this.#d.promise;
  settled = false;
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
  dataDestination(h: FrameHeader): Uint8Array | null {
    throw new ProtocolError(this.peer, `DATA frame (seq ${h.seq}) before the handshake completed`);
  }
  abstract onFrame(h: FrameHeader, payload: Uint8Array): void;
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
  readonly #nonce = freshNonce();
  constructor(
    p: HandshakeParams,
    peer: string,
    write: (b: Buffer) => void,
    readonly expectedPeerRank: number,
  ) {
    super(p, peer, write);
  }
  begin(): void {
    const hello = Buffer.alloc(HELLO_BYTES);
    hello.set(this.#nonce, 0);
    hello.writeUInt32LE(this.p.rank, NONCE_BYTES);
    hello.writeUInt32LE(this.p.size, NONCE_BYTES + 4);
    hello.writeUInt32LE(this.p.chunkBytes, NONCE_BYTES + 8);
    this.write(controlFrame(FrameType.Hello, hello));
  }
  onFrame(h: FrameHeader, payload: Uint8Array): void {
    if (h.type === FrameType.Reject) throw new AuthFailedError(this.peer, `the listener refused us: ${Buffer.from(payload).toString('utf8')}`);
    if (h.type === FrameType.AuthOk) return this.ok();
    if (h.type === FrameType.Heartbeat) return;
    if (h.type !== FrameType.Challenge || payload.length !== CHALLENGE_BYTES)
      throw new ProtocolError(this.peer, `expected a ${CHALLENGE_BYTES}-byte CHALLENGE, got frame type ${h.type} of ${payload.length} bytes`);
    const b = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    const nonceS = Buffer.from(b.subarray(0, NONCE_BYTES));
    const serverRank = b.readUInt32LE(NONCE_BYTES);
    const chunkBytes = b.readUInt32LE(NONCE_BYTES + 4);
    if (serverRank !== this.expectedPeerRank)
      throw new ProtocolError(this.peer, `listener says it is rank ${serverRank}, expected rank ${this.expectedPeerRank}; check the address list order`);
    const want = handshakeMac(this.p.key, 'server', nonceS, this.#nonce, serverRank, this.p.rank, this.p.size);
    if (!macMatches(want, b.subarray(NONCE_BYTES + 8))) {
      this.write(controlFrame(FrameType.Reject, Buffer.from('your token proof did not match ours', 'utf8')));
      throw new AuthFailedError(this.peer, 'the listener could not prove it knows the shared token');
    }
    if (chunkBytes !== this.p.chunkBytes)
      throw new ProtocolError(this.peer, `rank ${serverRank} uses chunkBytes ${chunkBytes}, this rank ${this.p.chunkBytes}; configure every rank alike`);
    this.write(controlFrame(FrameType.Auth, handshakeMac(this.p.key, 'client', this.#nonce, nonceS, this.p.rank, serverRank, this.p.size)));
  }
}

/** The listening side: challenges, verifies, then accepts only the expected rank. */
export class ServerHandshake extends HandshakeSink {
  readonly #nonce = freshNonce();
  #clientNonce: Buffer | undefined;
  /** The rank the peer proved it is (valid after success). */
  peerRank = -1;
  constructor(
    p: HandshakeParams,
    peer: string,
    write: (b: Buffer) => void,
    readonly acceptRank: (rank: number) => string | undefined,
  ) {
    super(p, peer, write);
  }
  #reject(e: AuthFailedError | ProtocolError, why: string): never {
    this.write(controlFrame(FrameType.Reject, Buffer.from(why.slice(0, 200), 'utf8')));
    throw e;
  }
  onFrame(h: FrameHeader, payload: Uint8Array): void {
    const b = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    if (h.type === FrameType.Heartbeat) return;
    if (h.type === FrameType.Reject) throw new AuthFailedError(this.peer, `the connecting peer refused our proof: ${b.toString('utf8')}`);
    if (!this.#clientNonce) {
      if (h.type !== FrameType.Hello || b.length !== HELLO_BYTES)
        throw new ProtocolError(this.peer, `expected a ${HELLO_BYTES}-byte HELLO, got frame type ${h.type} of ${b.length} bytes`);
      this.#clientNonce = Buffer.from(b.subarray(0, NONCE_BYTES));
      this.peerRank = b.readUInt32LE(NONCE_BYTES);
      const size = b.readUInt32LE(NONCE_BYTES + 4);
      if (size !== this.p.size)
        this.#reject(new ProtocolError(this.peer, `peer thinks the ring has ${size} ranks, this rank ${this.p.size}`), 'group size differs');
      const challenge = Buffer.alloc(CHALLENGE_BYTES);
      challenge.set(this.#nonce, 0);
      challenge.writeUInt32LE(this.p.rank, NONCE_BYTES);
      challenge.writeUInt32LE(this.p.chunkBytes, NONCE_BYTES + 4);
      challenge.set(handshakeMac(this.p.key, 'server', this.#nonce, this.#clientNonce, this.p.rank, this.peerRank, this.p.size), NONCE_BYTES + 8);
      this.write(controlFrame(FrameType.Challenge, challenge));
      return;
    }
    if (h.type !== FrameType.Auth || b.length !== MAC_BYTES) throw new ProtocolError(this.peer, `expected AUTH, got frame type ${h.type} of ${b.length} bytes`);
    const want = handshakeMac(this.p.key, 'client', this.#clientNonce, this.#nonce, this.peerRank, this.p.rank, this.p.size);
    if (!macMatches(want, b))
      this.#reject(new AuthFailedError(this.peer, `peer claiming rank ${this.peerRank} sent a wrong token proof`), 'authentication failed');
    const refusal = this.acceptRank(this.peerRank);
    if (refusal) this.#reject(new ProtocolError(this.peer, refusal), refusal);
    this.write(controlFrame(FrameType.AuthOk));
    this.ok();
  }
}
