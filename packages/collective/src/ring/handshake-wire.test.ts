import { ProtocolError } from '@syncline/core';
import { MAC_BYTES, NONCE_BYTES } from './auth';
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
} from './handshake-wire';
import { MAX_CONTROL_PAYLOAD } from './frame';

const hello = (o: Partial<Hello> = {}): Hello => ({
  nonce: Buffer.alloc(NONCE_BYTES, 1),
  rank: 1,
  size: 3,
  chunkBytes: 4096,
  expectRank: 0,
  address: 'w1:2222',
  ...o,
});
const challenge = (o: Partial<Challenge> = {}): Challenge => ({ nonce: Buffer.alloc(NONCE_BYTES, 2), rank: 0, size: 3, chunkBytes: 4096, ...o });

describe('handshake wire format', () => {
  it('HELLO and CHALLENGE round-trip', () => {
    expect(decodeHello(encodeHello(hello()), 'p')).toEqual(hello());
    const mac = Buffer.alloc(MAC_BYTES, 9);
    expect(decodeChallenge(encodeChallenge(challenge(), mac), 'p')).toEqual({ challenge: challenge(), mac });
  });

  it('a long address is cut to fit one control frame, keeping its end', () => {
    const long = `/tmp/${'d'.repeat(400)}/rank-1.sock`;
    const b = encodeHello(hello({ address: long }));
    expect(b.length).toBeLessThanOrEqual(MAX_CONTROL_PAYLOAD);
    expect(decodeHello(b, 'p').address.endsWith('/rank-1.sock')).toBe(true);
  });

  it('malformed messages are protocol errors', () => {
    expect(() => decodeHello(Buffer.alloc(10), 'p')).toThrow(ProtocolError);
    expect(() => decodeChallenge(Buffer.alloc(10), 'p')).toThrow(ProtocolError);
  });

  it('the transcript covers every claim of both sides', () => {
    const base = transcript(hello(), challenge());
    const variants = [
      transcript(hello({ rank: 2 }), challenge()),
      transcript(hello({ size: 4 }), challenge()),
      transcript(hello({ chunkBytes: 8 }), challenge()),
      transcript(hello({ expectRank: 2 }), challenge()),
      transcript(hello({ address: 'w9:2222' }), challenge()),
      transcript(hello(), challenge({ rank: 2 })),
      transcript(hello(), challenge({ size: 2 })),
      transcript(hello(), challenge({ chunkBytes: 8 })),
    ];
    for (const v of variants) expect(v.equals(base)).toBe(false);
  });

  it.each([
    ['ok', hello(), challenge()],
    ['ok', hello({ rank: 0, expectRank: 2 }), challenge({ rank: 2 })], // the ring wraps
    ['size', hello({ size: 4 }), challenge()],
    ['size', hello({ rank: 1, size: 2 }), challenge({ rank: 1 })], // sizes first, even for equal ranks
    ['duplicate', hello({ rank: 0, expectRank: 0 }), challenge()],
    ['order', hello({ expectRank: 2 }), challenge()],
    ['order', hello({ rank: 2, expectRank: 0 }), challenge()], // not the listener's successor
    ['chunk', hello({ chunkBytes: 8 }), challenge()],
  ] as const)('judge: %s', (verdict, h, c) => {
    expect(judge(h, c)).toBe(verdict);
  });

  it('REJECT carries its reason code in the header', () => {
    for (const code of ['auth', 'size', 'duplicate', 'order', 'chunk'] as const) expect(rejectCode(rejectFrame(code, 'why')[7]!)).toBe(code);
    expect(rejectCode(200)).toBe('auth');
  });
});
