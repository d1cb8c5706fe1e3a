/**
 * TensorBoard event files (scalars), readable by TensorBoard itself:
 *   1. each record is TFRecord-framed: u64 length, u32 masked CRC-32C of the length,
 *      the bytes, u32 masked CRC-32C of the bytes (all little-endian);
 *   2. each record is a serialized tensorflow.Event protobuf (encoded with protobufjs);
 *   3. the first event carries file_version "brain.Event:2"; scalars are
 *      Summary.Value{tag, simple_value} at a step;
 *   4. a resumed run appends to the newest event file already in the directory, so
 *      TensorBoard shows one continuous run rather than one file per session.
 */
import { appendFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { maskedCrc32c } from './crc32c';

const root = protobuf.Root.fromJSON({
  nested: {
    tensorflow: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'summary'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simpleValue'] } },
              fields: { tag: { type: 'string', id: 1 }, simpleValue: { type: 'float', id: 2 } },
            },
          },
        },
      },
    },
  },
});
const EventType = root.lookupType('tensorflow.Event');

export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  Buffer.from(data.buffer, data.byteOffset, data.length).copy(out, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

export function encodeEvent(e: { wallTime: number; step?: number; fileVersion?: string; scalars?: Record<string, number> }): Uint8Array {
  const msg: Record<string, unknown> = { wallTime: e.wallTime, step: e.step ?? 0 };
  if (e.fileVersion) msg.fileVersion = e.fileVersion;
  if (e.scalars) msg.summary = { value: Object.entries(e.scalars).map(([tag, simpleValue]) => ({ tag, simpleValue })) };
  return EventType.encode(EventType.fromObject(msg)).finish();
}

export function decodeEvent(bytes: Uint8Array): Record<string, unknown> {
  return EventType.toObject(EventType.decode(bytes), { longs: Number, defaults: false }) as Record<string, unknown>;
}

const EVENT_FILE = /^events\.out\.tfevents\./;

/** The most recently written events.out.tfevents.* file in `dir`, if any. */
export function newestEventFile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => EVENT_FILE.test(f))
    .map((f) => join(dir, f))
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  return files[0]?.f;
}

/** Appends scalar events to one events.out.tfevents.* file in `dir`. */
export class TensorBoardWriter {
  readonly file: string;

  /** With `append`, continues the newest event file in `dir` (a resumed run) instead of starting one. */
  constructor(dir: string, options: { readonly append?: boolean } = {}) {
    mkdirSync(dir, { recursive: true });
    const existing = options.append ? newestEventFile(dir) : undefined;
    if (existing) {
      this.file = existing;
      return;
    }
    const now = Date.now() / 1000;
    this.file = join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}`);
    writeFileSync(this.file, frameRecord(encodeEvent({ wallTime: now, fileVersion: 'brain.Event:2' })));
  }

  scalars(step: number, values: Record<string, number>): void {
    const finite = Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)));
    appendFileSync(this.file, frameRecord(encodeEvent({ wallTime: Date.now() / 1000, step, scalars: finite })));
  }
}
