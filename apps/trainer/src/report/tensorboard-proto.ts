/**
 * The bytes of TensorBoard event files, as TensorFlow writes them:
 *   1. each record is TFRecord-framed: u64 length, u32 masked CRC-32C of the length,
 *      the bytes, u32 masked CRC-32C of the bytes (all little-endian);
 *   2. each record is a serialized tensorflow.Event protobuf (encoded with protobufjs):
 *      file_version "brain.Event:2" first, then summaries at a step;
 *   3. a summary value is a scalar (simple_value) or a histogram (HistogramProto: min,
 *      max, count, sum, sum of squares, and bucket upper edges with their counts);
 *   4. SessionLog START at step S tells TensorBoard that a run restarted there, so it
 *      drops what the interrupted session wrote at steps >= S (orphaned data).
 */
import * as protobuf from 'protobufjs';
import { maskedCrc32c } from './crc32c';

const root = protobuf.Root.fromJSON({
  nested: {
    tensorflow: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'summary', 'sessionLog'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
            sessionLog: { type: 'SessionLog', id: 7 },
          },
        },
        SessionLog: {
          fields: { status: { type: 'SessionStatus', id: 1 }, msg: { type: 'string', id: 3 } },
          nested: { SessionStatus: { values: { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } } },
        },
        HistogramProto: {
          fields: {
            min: { type: 'double', id: 1 },
            max: { type: 'double', id: 2 },
            num: { type: 'double', id: 3 },
            sum: { type: 'double', id: 4 },
            sumSquares: { type: 'double', id: 5 },
            bucketLimit: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: { packed: true } },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simpleValue', 'histo'] } },
              fields: { tag: { type: 'string', id: 1 }, simpleValue: { type: 'float', id: 2 }, histo: { type: 'HistogramProto', id: 5 } },
            },
          },
        },
      },
    },
  },
});
const EventType = root.lookupType('tensorflow.Event');

/** Buckets per histogram (TensorFlow's tf.summary.histogram default). */
export const HISTOGRAM_BUCKETS = 30;

export interface Histogram {
  readonly min: number;
  readonly max: number;
  readonly num: number;
  readonly sum: number;
  readonly sumSquares: number;
  /** Upper edge of each bucket; the last is `max`. */
  readonly bucketLimit: readonly number[];
  readonly bucket: readonly number[];
}

export interface EventFields {
  readonly wallTime: number;
  readonly step?: number;
  readonly fileVersion?: string;
  readonly scalars?: Readonly<Record<string, number>>;
  readonly histograms?: Readonly<Record<string, Histogram>>;
  /** A SessionLog START (a resumed run starts again at `step`). */
  readonly sessionStart?: boolean;
}

/** `data` with TFRecord framing. */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  Buffer.from(data.buffer, data.byteOffset, data.length).copy(out, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

export function encodeEvent(e: EventFields): Uint8Array {
  const msg: Record<string, unknown> = { wallTime: e.wallTime, step: e.step ?? 0 };
  if (e.fileVersion) msg.fileVersion = e.fileVersion;
  if (e.sessionStart) msg.sessionLog = { status: 1 };
  const values = [
    ...Object.entries(e.scalars ?? {}).map(([tag, simpleValue]) => ({ tag, simpleValue })),
    ...Object.entries(e.histograms ?? {}).map(([tag, histo]) => ({ tag, histo })),
  ];
  if (values.length) msg.summary = { value: values };
  return EventType.encode(EventType.fromObject(msg)).finish();
}

export function decodeEvent(bytes: Uint8Array): Record<string, unknown> {
  return EventType.toObject(EventType.decode(bytes), { longs: Number, enums: String, defaults: false }) as Record<string, unknown>;
}

/**
 * A histogram of `values` in `buckets` equal-width buckets from min to max (one bucket
 * when every value is the same). NaN and infinite values are left out.
 */
export function histogramOf(values: Float32Array, buckets = HISTOGRAM_BUCKETS): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    num++;
    sum += v;
    sumSquares += v * v;
  }
  if (num === 0) return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [0], bucket: [0] };
  const n = max > min ? buckets : 1;
  const width = (max - min) / n;
  const bucket = new Array<number>(n).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    bucket[Math.min(n - 1, Math.floor((v - min) / (width || 1)))]!++;
  }
  const bucketLimit = Array.from({ length: n }, (_, i) => (i === n - 1 ? max : min + (i + 1) * width));
  return { min, max, num, sum, sumSquares, bucketLimit, bucket };
}
