/**
 * Reader for IDX files (the MNIST family's format), gzip-compressed or raw, with errors
 * that say which file is wrong, how, and what to do.
 *
 * Protocol (the format, big-endian):
 * 1. Magic: two zero bytes, an element type code (0x08 = unsigned byte; the only type
 *    the MNIST family uses and the only one read here), then the number of dimensions.
 * 2. One uint32 per dimension; the first is the example count.
 * 3. prod(dims) elements, row-major; nothing after them.
 * A file starting with 1f 8b is gunzipped first (node:zlib), so .gz and raw both work.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DataError } from '../errors/data-error';

/** IDX element type code of unsigned bytes. */
export const IDX_UBYTE = 0x08;
/** Bytes read to find an IDX header (enough for any gzip header plus the first block). */
const HEADER_PROBE_BYTES = 64 * 1024;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const MAX_DIMS = 16;
const TYPE_NAMES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'sbyte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

/** A decoded IDX array of unsigned bytes. */
export interface IdxArray {
  /** Dimensions; dims[0] is the example count. */
  readonly dims: readonly number[];
  /** prod(dims) bytes, row-major. */
  readonly data: Uint8Array;
}

/** Hint appended to "file not found" errors: where the MNIST-family files come from. */
export const IDX_MISSING_HINT =
  "For Fashion-MNIST install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist), " +
  'which puts the four .gz files in /usr/share/datasets/fashion-mnist/, or pass the directory that holds them.';

/** True when `bytes` start with the gzip magic. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/** Reads a whole file, turning fs failures into DataError (missing files get the hint). */
export function readFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fsError(path, e);
  }
}

/** An fs failure on an IDX file as a DataError (missing files get the hint). */
export function fsError(path: string, e: unknown): DataError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new DataError(`IDX file not found: ${path}. ${IDX_MISSING_HINT}`, { cause: e });
  return new DataError(`Cannot read IDX file ${path} (${code ?? String(e)}); check the path and its permissions.`, { cause: e });
}

/** Gunzips `bytes`; with `partial`, a prefix of a gzip stream gives the prefix of its contents. Throws DataError. */
export function gunzip(bytes: Uint8Array, name: string, partial: boolean): Uint8Array {
  try {
    return gunzipSync(bytes, partial ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {});
  } catch (e) {
    throw new DataError(`${name} is not a valid gzip stream (${(e as Error).message}); the file is corrupt or truncated: download or reinstall it.`, {
      cause: e,
    });
  }
}

/** Parses the header; returns dims and the data offset. Throws DataError on bad magic or a short header. */
export function parseIdxHeader(bytes: Uint8Array, name = 'IDX data'): { dims: number[]; dataOffset: number } {
  if (bytes.length < 4) {
    throw new DataError(`${name} is truncated: ${bytes.length} byte(s), too short for an IDX header (4 bytes of magic); the file is incomplete.`);
  }
  const [z0, z1, type, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const magic = ((z0 << 24) | (z1 << 16) | (type << 8) | ndims) >>> 0;
  if (z0 !== 0 || z1 !== 0 || !(type in TYPE_NAMES) || ndims < 1 || ndims > MAX_DIMS) {
    throw new DataError(
      `${name} has bad IDX magic 0x${magic.toString(16).padStart(8, '0')} (expected 0x0000TTNN: type TT 08 for bytes, NN dimensions 1..${MAX_DIMS}); it is not an IDX file, or is corrupt.`,
    );
  }
  if (type !== IDX_UBYTE) {
    throw new DataError(
      `${name} holds IDX element type 0x${type.toString(16).padStart(2, '0')} (${TYPE_NAMES[type]}); only unsigned bytes (0x08, the MNIST family's type) are supported.`,
    );
  }
  const dataOffset = 4 + 4 * ndims;
  if (bytes.length < dataOffset) {
    throw new DataError(`${name} is truncated inside its header: ${ndims} dimensions need ${dataOffset} bytes, the file has ${bytes.length}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  return { dims, dataOffset };
}

/** Decodes IDX bytes (gzip or raw). Throws DataError for corrupt gzip, bad magic, truncated or overlong data. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const raw = isGzip(bytes) ? gunzip(bytes, name, false) : bytes;
  const { dims, dataOffset } = parseIdxHeader(raw, name);
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = raw.length - dataOffset;
  if (found < expected) {
    throw new DataError(
      `${name} is truncated: its header [${dims.join(' x ')}] promises ${expected} data bytes but only ${found} follow; the file is incomplete: download or reinstall it.`,
    );
  }
  if (found > expected) {
    throw new DataError(`${name} has ${found - expected} unexpected byte(s) after its [${dims.join(' x ')}] data; the file is corrupt.`);
  }
  return { dims, data: raw.subarray(dataOffset) };
}

/** Reads and decodes an IDX file (.gz or raw). Throws DataError (missing file: with a hint how to get it). */
export function readIdxFile(path: string): IdxArray {
  return parseIdx(readFileBytes(path), path);
}

/** Reads only an IDX file's dimensions (decompressing just its first bytes). Throws DataError like readIdxFile. */
export function readIdxDims(path: string): number[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fsError(path, e);
  }
  try {
    const probe = new Uint8Array(HEADER_PROBE_BYTES);
    const n = readSync(fd, probe, 0, probe.length, 0);
    const head = probe.subarray(0, n);
    return parseIdxHeader(isGzip(head) ? gunzip(head, path, true) : head, path).dims;
  } finally {
    closeSync(fd);
  }
}
