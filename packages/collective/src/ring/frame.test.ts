import fc from 'fast-check';
import { ProtocolError } from '@syncline/core';
import { FRAME_MAGIC, FrameParser, FrameType, HEADER_BYTES, writeHeader, type FrameHeader, type FrameSink } from './frame';

function frame(type: FrameType, payload: Uint8Array, seq = 1, step = 0, chunk = 0): Buffer {
  const b = Buffer.alloc(HEADER_BYTES + payload.length);
  writeHeader(b, 0, { type, opcode: 1, arg: 0, seq, step, chunk, count: 10, size: payload.length });
  b.set(payload, HEADER_BYTES);
  return b;
}

function collector(ready = true): { sink: FrameSink; got: string[] } {
  const got: string[] = [];
  const sink: FrameSink = {
    dataDestination: (h: FrameHeader) => (ready ? new Uint8Array(h.size) : null),
    onFrame: (h, p) => {
      got.push(`${h.type}:${h.seq}:${h.step}:${h.chunk}:${Buffer.from(p).toString('hex')}`);
    },
  };
  return { sink, got };
}

describe('FrameParser', () => {
  const stream = Buffer.concat([
    frame(FrameType.Data, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 3, 1, 2),
    frame(FrameType.Heartbeat, new Uint8Array(0)),
    frame(FrameType.Data, new Uint8Array(0), 4),
    frame(FrameType.Abort, Buffer.from('why')),
  ]);

  it('lets the rest of a large payload be read in place, in any pieces, and then reads the next frame as usual', () => {
    const payload = Uint8Array.from({ length: 64 }, (_, i) => i);
    const bytes = Buffer.concat([frame(FrameType.Data, payload, 5), frame(FrameType.Heartbeat, new Uint8Array(0))]);
    const c = collector();
    const p = new FrameParser('peer', c.sink, 1024);
    expect(p.headerBytesLeft).toBe(HEADER_BYTES);
    p.feed(bytes, 0, HEADER_BYTES + 10);
    expect(p.headerBytesLeft).toBe(0);
    expect(p.directTarget(100)).toBeNull(); // less than asked for remains
    const rest = p.directTarget(16)!;
    expect(rest.length).toBe(54);
    rest.set(payload.subarray(10, 30));
    p.landedDirect(20);
    expect(c.got).toEqual([]);
    p.directTarget(1)!.set(payload.subarray(30));
    p.landedDirect(34);
    expect(c.got).toEqual([`${FrameType.Data}:5:0:0:${Buffer.from(payload).toString('hex')}`]);
    expect(p.lastDataBytes).toBe(64);
    expect(p.directTarget(1)).toBeNull();
    expect(() => p.landedDirect(1)).toThrow(ProtocolError);
    p.feed(bytes, HEADER_BYTES + 64, bytes.length);
    expect(c.got).toHaveLength(2);
  });

  it('parses the same frames however the bytes are split', () => {
    const whole = collector();
    new FrameParser('peer', whole.sink, 1024).feed(stream, 0, stream.length);
    expect(whole.got).toHaveLength(4);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 12 }), (cuts) => {
        const c = collector();
        const p = new FrameParser('peer', c.sink, 1024);
        const points = [...new Set([0, ...cuts, stream.length])].sort((a, b) => a - b);
        for (let i = 1; i < points.length; i++) {
          const piece = Buffer.from(stream.subarray(points[i - 1]!, points[i]!)); // a reused read buffer would be overwritten next
          expect(p.feed(piece, 0, piece.length)).toBe(piece.length);
        }
        expect(c.got).toEqual(whole.got);
      }),
    );
  });

  it('stops at a DATA frame nobody can take yet and resumes later', () => {
    let ready = false;
    const got: number[] = [];
    const p = new FrameParser(
      'peer',
      {
        dataDestination: (h) => (ready ? new Uint8Array(h.size) : null),
        onFrame: (h) => {
          got.push(h.seq);
        },
      },
      1024,
    );
    const used = p.feed(stream, 0, stream.length);
    expect(used).toBe(HEADER_BYTES);
    expect(p.waiting).toBe(true);
    ready = true;
    expect(p.resume()).toBe(true);
    p.feed(stream, used, stream.length);
    expect(got).toEqual([3, 1, 4, 1]);
  });

  it.each([
    ['wrong magic', (b: Buffer) => b.writeUInt32LE(0xdeadbeef, 0), /bad magic/],
    [
      'wrong version',
      (b: Buffer) => {
        b[4] = 2;
      },
      /protocol version 2/,
    ],
    [
      'unknown type',
      (b: Buffer) => {
        b[5] = 77;
      },
      /unknown frame type 77/,
    ],
    ['oversized DATA', (b: Buffer) => b.writeUInt32LE(4096, 24), /exceeds the 1024-byte limit/],
    [
      'oversized control frame',
      (b: Buffer) => {
        b[5] = FrameType.Hello;
        b.writeUInt32LE(1 << 30, 24);
      },
      /exceeds the 256-byte limit/,
    ],
    ['DATA not a whole number of floats', (b: Buffer) => b.writeUInt32LE(6, 24), /not a whole number of floats/],
  ])('rejects %s with ProtocolError', (_name, corrupt, message) => {
    const b = Buffer.from(stream);
    corrupt(b);
    const p = new FrameParser('peer 1.2.3.4:5', collector().sink, 1024);
    expect(() => p.feed(b, 0, b.length)).toThrow(ProtocolError);
    expect(() => new FrameParser('peer', collector().sink, 1024).feed(b, 0, b.length)).toThrow(message);
  });

  it('random bytes either raise ProtocolError or wait for more: never another error, never a frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        const c = collector();
        const p = new FrameParser('stranger', c.sink, 1024);
        try {
          p.feed(bytes, 0, bytes.length);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
        if (bytes.length < 4 || Buffer.from(bytes).readUInt32LE(0) !== FRAME_MAGIC) expect(c.got).toEqual([]);
      }),
    );
  });

  it('reports a truncated frame as mid-frame', () => {
    const p = new FrameParser('peer', collector().sink, 1024);
    p.feed(stream, 0, 10);
    expect(p.midFrame).toBe(true);
  });
});
