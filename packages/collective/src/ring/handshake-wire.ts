/**
 * The handshake's messages (protocol in auth.ts) and the verdict both sides reach once
 * each has verified the other's proof.
 *
 * HELLO     nonceC | rank | size | chunkBytes | expectedListenerRank | address (UTF-8)
 * CHALLENGE nonceS | rank | size | chunkBytes | MAC
 * REJECT    header.arg = RejectCode, payload = the reason (UTF-8)
 *
 * Every field but the nonces and the MAC forms the transcript each MAC covers, so a
 * verified MAC proves the peer really claims what its message says. Both sides judge the
 * same transcript with judge() and so reach the same verdict.
 */
import { ProtocolError } from '@syncline/core';
import { MAC_BYTES, NONCE_BYTES } from './auth';
import { controlFrame, FrameType, MAX_CONTROL_PAYLOAD } from './frame';

/** What the connecting side says about itself (and whom it expects to reach). */
export interface Hello {
  readonly nonce: Buffer;
  readonly rank: number;
  readonly size: number;
  readonly chunkBytes: number;
  /** The rank the connector expects the listener to be: its predecessor, or its own rank for a notice. */
  readonly expectRank: number;
  /** The connector's own ring address, as its configuration names it. */
  readonly address: string;
}

/** What the listening side says about itself. */
export interface Challenge {
  readonly nonce: Buffer;
  readonly rank: number;
  readonly size: number;
  readonly chunkBytes: number;
}

const HELLO_FIXED = NONCE_BYTES + 16;
const CHALLENGE_FIXED = NONCE_BYTES + 12;
export const CHALLENGE_BYTES = CHALLENGE_FIXED + MAC_BYTES;
/** The longest address a HELLO carries (bytes); a longer one is cut, keeping its end. */
const MAX_ADDRESS_BYTES = MAX_CONTROL_PAYLOAD - HELLO_FIXED;

export function encodeHello(h: Hello): Buffer {
  let address = Buffer.from(h.address, 'utf8');
  if (address.length > MAX_ADDRESS_BYTES) address = address.subarray(address.length - MAX_ADDRESS_BYTES);
  const b = Buffer.alloc(HELLO_FIXED + address.length);
  b.set(h.nonce, 0);
  [h.rank, h.size, h.chunkBytes, h.expectRank].forEach((n, i) => b.writeUInt32LE(n >>> 0, NONCE_BYTES + 4 * i));
  b.set(address, HELLO_FIXED);
  return b;
}

export function decodeHello(b: Buffer, peer: string): Hello {
  if (b.length < HELLO_FIXED) throw new ProtocolError(peer, `HELLO of ${b.length} bytes, expected at least ${HELLO_FIXED}`);
  const u = (i: number): number => b.readUInt32LE(NONCE_BYTES + 4 * i);
  return {
    nonce: Buffer.from(b.subarray(0, NONCE_BYTES)),
    rank: u(0),
    size: u(1),
    chunkBytes: u(2),
    expectRank: u(3),
    address: b.subarray(HELLO_FIXED).toString('utf8'),
  };
}

export function encodeChallenge(c: Challenge, mac: Buffer): Buffer {
  const b = Buffer.alloc(CHALLENGE_BYTES);
  b.set(c.nonce, 0);
  [c.rank, c.size, c.chunkBytes].forEach((n, i) => b.writeUInt32LE(n >>> 0, NONCE_BYTES + 4 * i));
  b.set(mac, CHALLENGE_FIXED);
  return b;
}

export function decodeChallenge(b: Buffer, peer: string): { challenge: Challenge; mac: Buffer } {
  if (b.length !== CHALLENGE_BYTES) throw new ProtocolError(peer, `expected a ${CHALLENGE_BYTES}-byte CHALLENGE, got ${b.length} bytes`);
  const u = (i: number): number => b.readUInt32LE(NONCE_BYTES + 4 * i);
  return {
    challenge: { nonce: Buffer.from(b.subarray(0, NONCE_BYTES)), rank: u(0), size: u(1), chunkBytes: u(2) },
    mac: Buffer.from(b.subarray(CHALLENGE_FIXED)),
  };
}

/** The claims both MACs cover (everything but the nonces), in one fixed order. */
export function transcript(h: Hello, c: Challenge): Buffer {
  const address = Buffer.from(h.address, 'utf8');
  const b = Buffer.alloc(28 + address.length);
  [h.rank, h.size, h.chunkBytes, h.expectRank, c.rank, c.size, c.chunkBytes].forEach((n, i) => b.writeUInt32LE(n >>> 0, 4 * i));
  b.set(address, 28);
  return b;
}

/** The outcome of a handshake whose proofs both verified. */
export type Verdict = 'ok' | 'size' | 'duplicate' | 'order' | 'chunk';

/**
 * Whether the two claims fit one ring: the same size, two different ranks, the listener is
 * the rank the connector expected and the connector is the listener's successor, the same
 * chunk size. A pure function of the transcript, so both sides agree on it.
 */
export function judge(h: Hello, c: Challenge): Verdict {
  if (h.size !== c.size) return 'size';
  if (h.rank === c.rank) return 'duplicate';
  if (h.expectRank !== c.rank || (c.rank + 1) % c.size !== h.rank) return 'order';
  if (h.chunkBytes !== c.chunkBytes) return 'chunk';
  return 'ok';
}

/** Why a listener refused a connection (header.arg of REJECT). 'auth' also covers malformed handshakes. */
export type RejectCode = 'auth' | Exclude<Verdict, 'ok'>;
const REJECT_CODES: readonly RejectCode[] = ['auth', 'size', 'duplicate', 'order', 'chunk'];

export function rejectFrame(code: RejectCode, why: string): Buffer {
  const f = controlFrame(FrameType.Reject, Buffer.from(why.slice(0, 200), 'utf8'));
  f[7] = REJECT_CODES.indexOf(code);
  return f;
}

export function rejectCode(arg: number): RejectCode {
  return REJECT_CODES[arg] ?? 'auth';
}
