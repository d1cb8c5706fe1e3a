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

/** Splits a TFRecord byte stream into payloads. Each payload is a copy the caller may keep. */
export class TFRecordFramer {
  #pending: Buffer = Buffer.alloc(0);
  /** Byte offset (in the uncompressed stream) of #pending[0]. */
  #offset = 0;
  /** Records returned so far. */
  count = 0;

  constructor(readonly file: string) {}

  /**
   * Appends `chunk` and counts the frames now complete without copying or checking their
   * payloads (their CRCs are checked when they are read): what counting a file at open needs.
   */
  skip(chunk: Buffer): void {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= HEADER_BYTES) {
      const len = this.#length(buf, at);
      const next = at + HEADER_BYTES + len + FOOTER_BYTES;
      if (next > buf.length) break;
      this.count++;
      at = next;
    }
    // a frame larger than the chunk: keep only what is left of it
    buf = buf.subarray(at);
    this.#pending = Buffer.from(buf);
    this.#offset += at;
  }

  /** The payload length in the header at `at`, its CRC checked. */
  #length(buf: Buffer, at: number): number {
    const len = buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 2 ** 32;
    if (buf.readUInt32LE(at + 8) !== maskedCrc32c(buf, at, at + 8)) {
      throw new DataError(`${this.file}: record ${this.count} at byte ${this.#offset + at} has a bad length checksum; the file is not TFRecord or is corrupt.`);
    }
    if (len > MAX_RECORD_BYTES)
      throw new DataError(`${this.file}: record ${this.count} at byte ${this.#offset + at} claims ${len} bytes; the file is corrupt.`);
    return len;
  }

  /** Appends `chunk` and returns every payload now complete (in order). */
  push(chunk: Buffer): Buffer[] {
    const buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let at = 0;
    while (buf.length - at >= HEADER_BYTES) {
      const len = this.#length(buf, at);
      if (buf.length - at < HEADER_BYTES + len + FOOTER_BYTES) break;
      const start = at + HEADER_BYTES;
      if (buf.readUInt32LE(start + len) !== maskedCrc32c(buf, start, start + len)) {
        throw new DataError(`${this.file}: record ${this.count} at byte ${this.#offset + at} has a bad payload checksum; the file is corrupt.`);
      }
      out.push(Buffer.from(buf.subarray(start, start + len)));
      this.count++;
      at = start + len + FOOTER_BYTES;
    }
    this.#pending = Buffer.from(buf.subarray(at));
    this.#offset += at;
    return out;
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
