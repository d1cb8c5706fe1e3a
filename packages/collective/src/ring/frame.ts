/**
 * The ring's wire format and its parser. Every message is one frame:
 *
 *   offset size field
 *   0      4    magic "SYN1" (u32 LE 0x314e5953)
 *   4      1    version (1)
 *   5      1    type (HELLO, CHALLENGE, AUTH, AUTH_OK, REJECT, DATA, HEARTBEAT, ABORT, GOODBYE)
 *   6      1    opcode of the collective (DATA; 0 otherwise)
 *   7      1    arg (broadcast root)
 *   8      4    seq: the op's sequence number
 *   12     4    step of the op's schedule
 *   16     4    chunk index within the step
 *   20     4    count: the op's element count (all ranks must agree)
 *   24     4    payload size in bytes
 *
 * The parser accepts bytes in arbitrary pieces (straight from a reused read buffer),
 * rejects wrong magic/version/type and oversized payloads with ProtocolError, and copies
 * a payload straight into the destination the sink names, never allocating per frame
 * (or, for the rest of a large payload, lets the socket read into it: directTarget).
 * Once integrity is on (after the handshake, frame-mac.ts) a TAG_BYTES tag over header and
 * payload follows each frame, checked before the sink sees the frame; a wrong tag throws the
 * error the link names (an IntegrityError). A DATA header the sink refuses (another op's,
 * a replayed one) is not believed before its tag: the payload is read aside, and the tag
 * decides between an IntegrityError (altered or replayed) and the sink's ProtocolError.
 */
import { ProtocolError } from '@syncline/core';
import { TAG_BYTES, type FrameMac } from './frame-mac';

export const FRAME_MAGIC = 0x314e5953;
export const FRAME_VERSION = 1;
export const HEADER_BYTES = 28;
/** Largest payload of a non-DATA frame. */
export const MAX_CONTROL_PAYLOAD = 256;

export const enum FrameType {
  Hello = 1,
  Challenge = 2,
  Auth = 3,
  AuthOk = 4,
  Reject = 5,
  Data = 6,
  Heartbeat = 7,
  Abort = 8,
  /** Sent by close(): the sender finished `seq` ops and is leaving normally. */
  Goodbye = 9,
}
const LAST_TYPE = FrameType.Goodbye;

/** A parsed header (one mutable object per parser, overwritten by the next frame). */
export interface FrameHeader {
  type: FrameType;
  opcode: number;
  arg: number;
  seq: number;
  step: number;
  chunk: number;
  count: number;
  size: number;
}

/** Writes a header into `out` at `at`. */
export function writeHeader(out: Buffer, at: number, h: FrameHeader): void {
  out.writeUInt32LE(FRAME_MAGIC, at);
  out[at + 4] = FRAME_VERSION;
  out[at + 5] = h.type;
  out[at + 6] = h.opcode;
  out[at + 7] = h.arg;
  out.writeUInt32LE(h.seq >>> 0, at + 8);
  out.writeUInt32LE(h.step >>> 0, at + 12);
  out.writeUInt32LE(h.chunk >>> 0, at + 16);
  out.writeUInt32LE(h.count >>> 0, at + 20);
  out.writeUInt32LE(h.size >>> 0, at + 24);
}

/** A whole control frame (header + payload) in a fresh buffer; for rare messages only. */
export function controlFrame(type: FrameType, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + payload.length);
  writeHeader(out, 0, { type, opcode: 0, arg: 0, seq: 0, step: 0, chunk: 0, count: 0, size: payload.length });
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Receives parsed frames. */
export interface FrameSink {
  /**
   * Where the payload of a DATA frame goes (exactly `h.size` bytes), or null when the
   * frame cannot be taken yet (the parser then stops until `resume()`). Throws
   * ProtocolError when the frame is not the one expected.
   */
  dataDestination(h: FrameHeader): Uint8Array | null;
  /** A complete frame; for non-DATA frames `payload` is valid only during the call. */
  onFrame(h: FrameHeader, payload: Uint8Array): void;
}

export class FrameParser {
  readonly header: FrameHeader = { type: FrameType.Data, opcode: 0, arg: 0, seq: 0, step: 0, chunk: 0, count: 0, size: 0 };
  readonly #hdr = Buffer.alloc(HEADER_BYTES);
  readonly #control = new Uint8Array(MAX_CONTROL_PAYLOAD);
  #hdrGot = 0;
  #dest: Uint8Array | null = null;
  #got = 0;
  #waiting = false;
  /** Payload size of the last DATA frame that completed (0 before any). */
  lastDataBytes = 0;
  /** Checks every frame's tag once set (enableIntegrity). */
  #mac: FrameMac | undefined;
  #badTag: ((detail: string) => Error) | undefined;
  readonly #tag = Buffer.alloc(TAG_BYTES);
  /** Tag bytes still to read for the frame whose payload is `#tagged` (0: not in a tag). */
  #tagLeft = 0;
  #tagged: Uint8Array | null = null;
  /** The sink's objection to the current frame's header, raised only once its tag verified. */
  #unproven: ProtocolError | undefined;

  /** @param maxDataPayload largest DATA payload accepted (the sender's chunk size). */
  constructor(
    readonly peer: string,
    public sink: FrameSink,
    public maxDataPayload: number,
  ) {}

  /**
   * From now on every frame must carry a tag that `mac` accepts; a wrong one throws
   * `badTag(detail)`. Call it before the first post-handshake byte is fed.
   */
  enableIntegrity(mac: FrameMac, badTag: (detail: string) => Error): void {
    this.#mac = mac;
    this.#badTag = badTag;
  }

  /** True when part of a frame has been read (EOF now means a truncated frame). */
  get midFrame(): boolean {
    return this.#hdrGot > 0 || this.#dest !== null || this.#waiting || this.#tagLeft > 0;
  }

  /** True while a DATA header waits for a destination (see FrameSink.dataDestination). */
  get waiting(): boolean {
    return this.#waiting;
  }

  /**
   * Consumes bytes [start, end) of `chunk`; returns how many were consumed (fewer than
   * given only when the parser is waiting). Throws ProtocolError on a malformed frame.
   */
  feed(chunk: Uint8Array, start: number, end: number): number {
    let pos = start;
    while (pos < end) {
      if (this.#waiting && !this.resume()) break;
      if (this.#tagLeft > 0) {
        const n = Math.min(this.#tagLeft, end - pos);
        this.#tag.set(chunk.subarray(pos, pos + n), TAG_BYTES - this.#tagLeft);
        this.#tagLeft -= n;
        pos += n;
        if (this.#tagLeft === 0) this.#verified();
        continue;
      }
      if (this.#dest === null) {
        const n = Math.min(HEADER_BYTES - this.#hdrGot, end - pos);
        this.#hdr.set(chunk.subarray(pos, pos + n), this.#hdrGot);
        this.#hdrGot += n;
        pos += n;
        if (this.#hdrGot < HEADER_BYTES) break;
        this.#hdrGot = 0;
        this.#parseHeader();
        if (!this.#begin()) break;
        continue;
      }
      const n = Math.min(this.header.size - this.#got, end - pos);
      this.#dest.set(chunk.subarray(pos, pos + n), this.#got);
      this.#got += n;
      pos += n;
      if (this.#got === this.header.size) this.#complete();
    }
    return pos - start;
  }

  /**
   * The unread rest of the current DATA payload's destination when at least `minBytes` of
   * it remain, so the next socket read can land there directly (then call landedDirect);
   * null otherwise.
   */
  directTarget(minBytes: number): Uint8Array | null {
    const dest = this.#dest;
    if (dest === null || this.header.type !== FrameType.Data || this.header.size - this.#got < minBytes) return null;
    return dest.subarray(this.#got, this.header.size);
  }

  /** Bytes of the next header (and of the current frame's tag) still to read, or 0 while inside a frame's payload. */
  get headerBytesLeft(): number {
    return this.#dest === null && !this.#waiting ? this.#tagLeft + HEADER_BYTES - this.#hdrGot : 0;
  }

  /** `n` bytes of the current payload were read straight into directTarget()'s view. */
  landedDirect(n: number): void {
    if (this.#dest === null || n > this.header.size - this.#got) throw new ProtocolError(this.peer, `internal: ${n} bytes landed outside a payload`);
    this.#got += n;
    if (this.#got === this.header.size) this.#complete();
  }

  /** Retries a waiting DATA header; true once it has a destination. */
  resume(): boolean {
    if (!this.#waiting) return true;
    return this.#begin();
  }

  #begin(): boolean {
    const h = this.header;
    if (h.type !== FrameType.Data) {
      this.#dest = this.#control.subarray(0, h.size);
    } else {
      const dest = this.#destinationOf(h);
      if (dest === null) {
        this.#waiting = true;
        return false;
      }
      if (dest.length !== h.size) throw new ProtocolError(this.peer, `internal: destination of ${dest.length} bytes for a ${h.size}-byte frame`);
      this.#dest = dest;
    }
    this.#waiting = false;
    this.#got = 0;
    if (h.size === 0) this.#complete();
    return true;
  }

  #complete(): void {
    const dest = this.#dest!;
    this.#dest = null;
    if (this.header.type === FrameType.Data) this.lastDataBytes = this.header.size;
    if (this.#mac) {
      this.#tagged = dest;
      this.#tagLeft = TAG_BYTES;
      return;
    }
    this.sink.onFrame(this.header, dest);
  }

  /** The current frame's tag arrived: check it (header bytes as received, then payload), then deliver the frame. */
  #verified(): void {
    const dest = this.#tagged!;
    this.#tagged = null;
    const index = this.#mac!.frames;
    const unproven = this.#unproven;
    this.#unproven = undefined;
    if (!this.#mac!.check(this.#hdr, dest, this.#tag)) {
      const h = this.header;
      const what = h.type === FrameType.Data ? `DATA frame (op #${h.seq}, step ${h.step}, chunk ${h.chunk}, ${h.size} bytes)` : `frame of type ${h.type}`;
      throw this.#badTag!(`a ${what}, frame ${index} on this connection, carries a wrong tag: altered, replayed, dropped or out of order`);
    }
    if (unproven) throw unproven;
    this.sink.onFrame(this.header, dest);
  }

  /** The sink's destination; with integrity on, a refused header gets a scratch destination and its objection waits for the tag. */
  #destinationOf(h: FrameHeader): Uint8Array | null {
    try {
      return this.sink.dataDestination(h);
    } catch (e) {
      if (!this.#mac || !(e instanceof ProtocolError)) throw e;
      this.#unproven = e;
      return new Uint8Array(h.size); // at most maxDataPayload (checked in #parseHeader)
    }
  }

  #parseHeader(): void {
    const b = this.#hdr;
    const magic = b.readUInt32LE(0);
    if (magic !== FRAME_MAGIC)
      throw new ProtocolError(this.peer, `bad magic 0x${magic.toString(16)} (expected 0x${FRAME_MAGIC.toString(16)}): not a Syncline ring peer`);
    if (b[4] !== FRAME_VERSION)
      throw new ProtocolError(this.peer, `protocol version ${b[4]}, this rank speaks ${FRAME_VERSION}; run the same Syncline version everywhere`);
    const type = b[5]!;
    if (type < FrameType.Hello || type > LAST_TYPE) throw new ProtocolError(this.peer, `unknown frame type ${type}`);
    const h = this.header;
    h.type = type as FrameType;
    h.opcode = b[6]!;
    h.arg = b[7]!;
    h.seq = b.readUInt32LE(8);
    h.step = b.readUInt32LE(12);
    h.chunk = b.readUInt32LE(16);
    h.count = b.readUInt32LE(20);
    h.size = b.readUInt32LE(24);
    const limit = type === FrameType.Data ? this.maxDataPayload : MAX_CONTROL_PAYLOAD;
    if (h.size > limit) throw new ProtocolError(this.peer, `frame of ${h.size} bytes exceeds the ${limit}-byte limit for its type`);
    if (type === FrameType.Data && h.size % 4 !== 0) throw new ProtocolError(this.peer, `DATA frame of ${h.size} bytes is not a whole number of floats`);
  }
}
