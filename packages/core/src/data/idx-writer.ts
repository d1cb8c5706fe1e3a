/**
 * Writes IDX bytes (unsigned-byte arrays, the MNIST family's format): used to cut data
 * samples and FILE-shard lists, and by tests that need real files, corrupt ones included.
 */
import { gzipSync } from 'node:zlib';
import { IDX_UBYTE } from './idx-reader';

/**
 * Encodes `data` with dimensions `dims` as IDX (gzipped when `gzip`). Throws RangeError
 * when prod(dims) !== data.length or a dimension is not a uint32.
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array, gzip = false): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeIdx: dims [${dims.join(', ')}] hold ${count} bytes, data has ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    if (!(Number.isInteger(d) && d >= 0 && d <= 0xffff_ffff)) throw new RangeError(`encodeIdx: dimension ${i} is ${d}`);
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, 4 + 4 * dims.length);
  return gzip ? new Uint8Array(gzipSync(out)) : out;
}
