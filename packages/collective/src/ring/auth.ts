/**
 * Shared-secret authentication of ring connections: HMAC-SHA256 challenge-response with
 * fresh 32-byte nonces in both directions, bound to every claim either side makes (wire
 * format in handshake-wire.ts).
 *
 * 1. client -> server  HELLO     nonceC | rank, size, chunkBytes, expected listener rank, address
 * 2. server -> client  CHALLENGE nonceS | rank, size, chunkBytes | HMAC(key, "server" | nonceC | nonceS | T)
 *    where T is the transcript: every claim of both messages (no nonce, no MAC).
 * 3. client checks the server's MAC (so a rank never sends to an impostor), then
 *    client -> server  AUTH      HMAC(key, "client" | nonceS | nonceC | T)
 *    and judges T; a verdict other than ok (cluster sizes or ranks that do not fit, equal
 *    ranks, chunk sizes) fails the client with that precise error, not an auth error.
 * 4. server checks the MAC and judges T the same way, then answers AUTH_OK, or REJECT (the
 *    reason's code in header.arg) and drops the connection.
 * Claims travel in the clear but are only acted on once the peer's MAC over them verified:
 * a peer without the token gets an AuthFailedError whatever it claims, and no tensor byte
 * moves before step 4. The token comes from the option, else SYNCLINE_AUTH_TOKEN, else the
 * file named by the option or SYNCLINE_AUTH_TOKEN_FILE.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '@syncline/core';

export const NONCE_BYTES = 32;
export const MAC_BYTES = 32;
export const AUTH_TOKEN_ENV = 'SYNCLINE_AUTH_TOKEN';
export const AUTH_TOKEN_FILE_ENV = 'SYNCLINE_AUTH_TOKEN_FILE';
const DOMAIN = 'syncline-ring-v2';

export interface AuthKeyOptions {
  readonly authToken?: string;
  readonly authTokenFile?: string;
  readonly insecure?: boolean;
}

/**
 * The HMAC key for a ring. Without a token, only `insecure: true` with every address on
 * this host (loopback or Unix socket) is allowed; then the key is empty (the handshake
 * still runs, so strangers speaking another protocol are still refused).
 * Throws InvalidConfigError otherwise, naming the addresses that are not loopback.
 */
export function resolveAuthKey(options: AuthKeyOptions, nonLoopback: readonly string[], env = process.env): Buffer {
  const file = options.authTokenFile ?? env[AUTH_TOKEN_FILE_ENV];
  let token = options.authToken ?? env[AUTH_TOKEN_ENV];
  if (token === undefined && file) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new InvalidConfigError('authTokenFile', file, 'a readable file holding the shared token', { source: 'createRingCommunicator', cause: e });
    }
  }
  if (token !== undefined && token.length > 0) return Buffer.from(token, 'utf8');
  if (options.insecure && nonLoopback.length === 0) return Buffer.alloc(0);
  throw new InvalidConfigError(
    'authToken',
    undefined,
    nonLoopback.length
      ? `a shared token (set ${AUTH_TOKEN_ENV} or authTokenFile) because these addresses are not loopback: ${nonLoopback.join(', ')}`
      : `a shared token (set ${AUTH_TOKEN_ENV} or authTokenFile), or insecure: true since every address is local`,
    { source: 'createRingCommunicator' },
  );
}

export function freshNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** MAC one side sends; `role` is the sender's role, `transcript` every claim of both sides. */
export function handshakeMac(key: Buffer, role: 'server' | 'client', ownNonce: Uint8Array, peerNonce: Uint8Array, transcript: Uint8Array): Buffer {
  const h = createHmac('sha256', key);
  h.update(`${DOMAIN} ${role}`);
  // the server's MAC covers the client's nonce first and vice versa: each side proves it saw the other's fresh nonce
  h.update(peerNonce);
  h.update(ownNonce);
  h.update(transcript);
  return h.digest();
}

/** Constant-time MAC comparison. */
export function macMatches(expected: Buffer, got: Uint8Array): boolean {
  return got.length === expected.length && timingSafeEqual(expected, got);
}
