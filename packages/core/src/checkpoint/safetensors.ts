/**
 * The safetensors format (as Hugging Face defines it), for F32 tensors:
 *   1. 8 bytes: little-endian u64 N, the header length;
 *   2. N bytes: UTF-8 JSON {name: {dtype: "F32", shape, data_offsets: [begin, end]}, ...,
 *      "__metadata__": {string: string}}, padded with spaces to 8-byte alignment;
 *   3. the tensor bytes, offsets relative to the end of the header.
 */
import { DataError } from '../errors/data-error';

export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Largest header accepted when reading (guards against a corrupt length). */
export const MAX_SAFETENSORS_HEADER_BYTES = 64 * 1024 * 1024;

export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((Buffer.byteLength(json) + 8) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.allocUnsafe(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let o = 8 + headerBytes.length;
  for (const t of tensors) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.length * 4).copy(out, o);
    o += t.data.length * 4;
  }
  return out;
}

export function decodeSafetensors(buf: Buffer, file = '<buffer>'): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new DataError(`${file}: not a valid safetensors file (${why})`);
  };
  if (buf.length < 8) fail('shorter than its 8-byte header length');
  const n = Number(buf.readBigUInt64LE(0));
  if (n > MAX_SAFETENSORS_HEADER_BYTES || 8 + n > buf.length) fail(`header length ${n} exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch {
    return fail('header is not JSON');
  }
  const dataStart = 8 + n;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== 'F32') fail(`tensor "${name}" has dtype ${e.dtype}; only F32 is supported`);
    const [begin, end] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4 || dataStart + end > buf.length) fail(`tensor "${name}" offsets [${begin}, ${end}] do not fit`);
    const data = new Float32Array(count);
    Buffer.from(data.buffer).set(buf.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { name, shape: e.shape, data });
  }
  return { tensors, metadata };
}
