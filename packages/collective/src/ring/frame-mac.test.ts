// Frame integrity in memory: tagged streams parse in any pieces (also read in place), and
// a changed byte, a replayed, dropped or reordered frame, or a wrong key is refused.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { IntegrityError, ProtocolError } from '@syncline/core';
import { FrameParser, FrameType, HEADER_BYTES, writeHeader, type FrameSink } from './frame';
import { FrameMac, sessionKeys, TAG_BYTES } from './frame-mac';

function frame(type: FrameType, payload: Uint8Array, seq: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES + payload.length);
  writeHeader(b, 0, { type, opcode: 1, arg: 0, seq, step: 0, chunk: 0, count: 10, size: payload.length });
  b.set(payload, HEADER_BYTES);
  return b;
}

const bad = (d: string): IntegrityError => new IntegrityError(1, 0, '10.0.0.1:2222', d);

/** A receiving parser with integrity on; its sink refuses a DATA frame of an op it has already seen or of op `refuseSeq`. */
function receiver(key: Buffer, refuseSeq = -1): { parser: FrameParser; got: string[] } {
  const got: string[] = [];
  let done = 0;
  const sink: FrameSink = {
    dataDestination: (h) => {
      if (h.seq === refuseSeq || h.seq <= done) throw new ProtocolError('peer', `op #${h.seq} is not the running op`);
      done = h.seq;
      return new Uint8Array(h.size);
    },
    onFrame: (h, p) => void got.push(`${h.type}:${h.seq}:${Buffer.from(p).toString('hex')}`),
  };
  const parser = new FrameParser('peer', sink, 1 << 16);
  parser.enableIntegrity(new FrameMac(key), bad);
  return { parser, got };
}

const frames = (): Buffer[] => [
  frame(
    FrameType.Data,
    Uint8Array.from({ length: 64 }, (_, i) => i),
    1,
  ),
  frame(FrameType.Heartbeat, new Uint8Array(0), 0),
  frame(FrameType.Data, Uint8Array.from([9, 9, 9, 9]), 2),
  frame(FrameType.Abort, Buffer.from('why'), 2),
];

describe('frame integrity', () => {
  const token = Buffer.from('the-shared-token');
  const [nc, ns] = [randomBytes(32), randomBytes(32)];

  it('derives one key per direction: the client sends with the key the server receives with, and new nonces give new keys', () => {
    const c = sessionKeys(token, 'client', nc, ns);
    const s = sessionKeys(token, 'server', nc, ns);
    expect(c.send.equals(s.recv) && c.recv.equals(s.send)).toBe(true);
    expect(c.send.equals(c.recv)).toBe(false);
    expect(sessionKeys(token, 'client', randomBytes(32), ns).send.equals(c.send)).toBe(false);
    expect(sessionKeys(Buffer.from('another-token'), 'client', nc, ns).send.equals(c.send)).toBe(false);
  });

  it('delivers tagged frames however the bytes are split', () => {
    const key = sessionKeys(token, 'client', nc, ns).send;
    const mac = new FrameMac(key);
    const wire = Buffer.concat(frames().map((f) => mac.seal(f, HEADER_BYTES)));
    expect(wire.length).toBe(frames().reduce((a, f) => a + f.length + TAG_BYTES, 0));
    const whole = receiver(key);
    whole.parser.feed(wire, 0, wire.length);
    expect(whole.got).toHaveLength(4);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: wire.length }), { maxLength: 10 }), (cuts) => {
        const r = receiver(key);
        let at = 0;
        for (const c of [...cuts.sort((a, b) => a - b), wire.length]) {
          r.parser.feed(wire, at, Math.max(at, c));
          at = Math.max(at, c);
        }
        expect(r.got).toEqual(whole.got);
        expect(r.parser.midFrame).toBe(false);
      }),
    );
  });

  it('checks a payload read in place before delivering it, and asks for the tags and the next header afterwards', () => {
    const key = randomBytes(32);
    const payload = Uint8Array.from({ length: 64 }, (_, i) => i);
    const wire = new FrameMac(key).seal(frame(FrameType.Data, payload, 5), HEADER_BYTES);
    const r = receiver(key);
    expect(r.parser.headerBytesLeft).toBe(HEADER_BYTES);
    r.parser.feed(wire, 0, HEADER_BYTES);
    r.parser.directTarget(16)!.set(payload);
    r.parser.landedDirect(64);
    expect(r.got).toEqual([]); // its tag has not arrived
    expect(r.parser.headerBytesLeft).toBe(TAG_BYTES + HEADER_BYTES);
    r.parser.feed(wire, wire.length - TAG_BYTES, wire.length);
    expect(r.got).toHaveLength(1);
  });

  it('refuses any flipped bit before the frame is delivered: IntegrityError naming the link; a broken magic, version, type or size is a ProtocolError or waits for bytes', () => {
    const key = randomBytes(32);
    const sealed = (): Buffer => {
      const mac = new FrameMac(key);
      return Buffer.concat(frames().map((f) => mac.seal(f, HEADER_BYTES)));
    };
    const clean = sealed();
    // where each frame's header starts on the wire: bytes 0-5 (magic, version, type) and 24-27 (size) are framing
    const starts: number[] = [];
    frames().reduce((at, f) => (starts.push(at), at + f.length + TAG_BYTES), 0);
    const framing = (byte: number): boolean => starts.some((s) => byte - s >= 0 && (byte - s < 6 || (byte - s >= 24 && byte - s < 28)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: clean.length * 8 - 1 }), (bit) => {
        const w = sealed();
        w[bit >> 3]! ^= 1 << (bit & 7);
        const r = receiver(key);
        let err: unknown;
        try {
          r.parser.feed(w, 0, w.length);
        } catch (e) {
          err = e;
        }
        if (!framing(bit >> 3)) {
          expect(err).toBeInstanceOf(IntegrityError);
          expect((err as Error).message).toMatch(/link from rank 0 \(10\.0\.0\.1:2222\) to rank 1/);
        } else expect(err instanceof IntegrityError || err instanceof ProtocolError || (err === undefined && r.parser.midFrame)).toBe(true); // a larger size: still waiting for bytes
        const hit = starts.filter((s) => s <= bit >> 3).length - 1; // the frame the bit is in (or its tag)
        expect(r.got.length).toBeLessThanOrEqual(hit);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a replayed, a dropped and a reordered frame, and a sender with another key or without tags', () => {
    const key = randomBytes(32);
    const mac = new FrameMac(key);
    const [a, b, c] = frames().map((f) => mac.seal(f, HEADER_BYTES));
    const cases: [string, Buffer][] = [
      ['replayed', Buffer.concat([a!, a!, b!])],
      ['dropped', Buffer.concat([a!, c!])],
      ['reordered', Buffer.concat([b!, a!])],
      ['another key', new FrameMac(randomBytes(32)).seal(frames()[0]!, HEADER_BYTES)],
      ['no tags', Buffer.concat(frames())],
    ];
    for (const [what, w] of cases) {
      const r = receiver(key);
      expect(() => r.parser.feed(w, 0, w.length)).toThrow(IntegrityError);
      expect([what, r.got.length <= 1]).toEqual([what, true]);
    }
  });

  it("judges a header the sink refuses by its tag: a replayed frame of an earlier op is an IntegrityError, a genuine one the sink's ProtocolError", () => {
    const key = randomBytes(32);
    const mac = new FrameMac(key);
    const [op1, hb, op2] = frames().map((f) => mac.seal(f, HEADER_BYTES));
    const replay = receiver(key);
    expect(() => replay.parser.feed(Buffer.concat([op1!, op1!]), 0, 2 * op1!.length)).toThrow(IntegrityError); // the second copy
    expect(replay.got).toHaveLength(1);
    const genuine = receiver(key, 2);
    const w = Buffer.concat([op1!, hb!, op2!]);
    let err: unknown;
    try {
      genuine.parser.feed(w, 0, w.length);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toMatch(/op #2 is not the running op/);
    expect(genuine.got).toHaveLength(2);
  });
});
