/**
 * TFRecord framing, fed chunk by chunk so a file is never held whole.
 *
 * Protocol (one frame per record, little-endian, as tf.io.TFRecordWriter writes it):
 * 1. uint64 length, then uint32 masked CRC-32C of those 8 bytes;
 * 2. `length` payload bytes, then uint32 masked CRC-32C of the payload.
 * Both CRCs are checked; a mismatch or a file that ends inside a frame is a DataError
 * naming the file and the frame's byte offset.
 */
import { DataError } from '../../errors/data-error';
import { maskedCrc32c } from './crc32c';

/** Bytes of a frame's header (length + its CRC) and footer (payload CRC). */
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;
/** Largest payload accepted: a bigger length is a corrupt header, not a record. */
const MAX_RECORD_BYTES = 1 << 30;

const EMPTY = Buffer.alloc(0);

/** Splits a TFRecord byte stream into payloads, which the caller may keep (they are never overwritten). */
export class TFRecordFramer {
  #pending: Buffer = Buffer.alloc(0);
  /** Byte offset (in the uncompressed stream) of the next frame to read (#pending[0] when bytes are pending). */
  #offset = 0;
  /** Records returned so far. */
  count = 0;

  constructor(readonly file: string) {}

  /**
   * Appends `chunk` and counts the frames now complete without copying or checking their
   * payloads (their CRCs are checked when they are read): what counting a file at open needs.
   * Only a frame that straddles chunks is copied.
   */
  skip(chunk: Buffer): void {
    let at = this.#straddling(chunk, false);
    if (at < 0) return;
    while (chunk.length - at >= HEADER_BYTES) {
      const next = at + HEADER_BYTES + this.#length(chunk, at) + FOOTER_BYTES;
      if (next > chunk.length) break;
      this.count++;
      this.#offset += next - at;
      at = next;
    }
    this.#pending = at < chunk.length ? Buffer.from(chunk.subarray(at)) : EMPTY;
  }

  /**
   * Completes the frame that straddles from the pending bytes into `chunk`, copying only
   * that frame's bytes; its payload goes to `out` when given (its CRC checked), else it is
   * only counted. Returns where the next frame starts in `chunk`, or -1 when `chunk` ends
   * before the straddling frame does (then it is pending).
   */
  #straddling(chunk: Buffer, withPayload: boolean, out?: Buffer[]): number {
    const have = this.#pending.length;
    if (have === 0) return 0;
    const head = have >= HEADER_BYTES ? this.#pending : Buffer.concat([this.#pending, chunk.subarray(0, HEADER_BYTES - have)]);
    if (head.length < HEADER_BYTES) {
      this.#pending = head;
      return -1;
    }
    const len = this.#length(head, 0);
    const frame = HEADER_BYTES + len + FOOTER_BYTES;
    if (have + chunk.length < frame) {
      this.#pending = Buffer.concat([this.#pending, chunk]);
      return -1;
    }
    if (withPayload) out!.push(this.#payload(Buffer.concat([this.#pending, chunk.subarray(0, frame - have)]), 0, len));
    else this.count++;
    this.#offset += frame;
    this.#pending = EMPTY;
    return frame - have;
  }

  /** The payload length in the header at `at` (the frame at stream offset #offset), its CRC checked. */
  #length(buf: Buffer, at: number): number {
    const len = buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 2 ** 32;
    if (buf.readUInt32LE(at + 8) !== maskedCrc32c(buf, at, at + 8)) {
      throw new DataError(`${this.file}: record ${this.count} at byte ${this.#offset} has a bad length checksum; the file is not TFRecord or is corrupt.`);
    }
    if (len > MAX_RECORD_BYTES) throw new DataError(`${this.file}: record ${this.count} at byte ${this.#offset} claims ${len} bytes; the file is corrupt.`);
    return len;
  }

  /**
   * Appends `chunk` and returns every payload now complete (in order). Payloads inside one
   * chunk are views of it, not copies (file and gunzip streams hand out fresh buffers and
   * never write into one again); only a frame that straddles chunks is assembled, from the
   * bytes kept of the previous chunk and the head of this one, so no chunk is copied whole.
   */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let at = this.#straddling(chunk, true, out);
    if (at < 0) return out;
    while (chunk.length - at >= HEADER_BYTES) {
      const len = this.#length(chunk, at);
      if (chunk.length - at < HEADER_BYTES + len + FOOTER_BYTES) break;
      out.push(this.#payload(chunk, at, len));
      at += HEADER_BYTES + len + FOOTER_BYTES;
      this.#offset += HEADER_BYTES + len + FOOTER_BYTES;
    }
    this.#pending = at < chunk.length ? Buffer.from(chunk.subarray(at)) : EMPTY;
    return out;
  }

  /** The payload of the frame at `at` (its CRC checked), as a view of `buf`. */
  #payload(buf: Buffer, at: number, len: number): Buffer {
    const start = at + HEADER_BYTES;
    if (buf.readUInt32LE(start + len) !== maskedCrc32c(buf, start, start + len)) {
      throw new DataError(`${this.file}: record ${this.count} at byte ${this.#offset} has a bad payload checksum; the file is corrupt.`);
    }
    this.count++;
    return buf.subarray(start, start + len);
  }

  /** Throws DataError when the stream ended inside a frame. */
  end(): void {
    if (this.#pending.length > 0) {
      throw new DataError(
        `${this.file}: ends inside record ${this.count} (byte ${this.#offset}, ${this.#pending.length} byte(s) left); the file is truncated.`,
      );
    }
  }
}

/** One TFRecord frame around `payload` (for tests and fixtures written by this side). */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + payload.length + FOOTER_BYTES);
  out.writeBigUInt64LE(BigInt(payload.length), 0);
  out.writeUInt32LE(maskedCrc32c(out, 0, 8), 8);
  out.set(payload, HEADER_BYTES);
  out.writeUInt32LE(maskedCrc32c(payload), HEADER_BYTES + payload.length);
  return out;
}
