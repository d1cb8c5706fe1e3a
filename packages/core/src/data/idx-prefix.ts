/**
 * Reads only the first examples of an IDX file, so a run that trains on a few thousand
 * examples (`--train-limit`) neither reads nor holds the rest:
 *   1. read a prefix of the file, doubling it from 64 KiB;
 *   2. a .gz prefix is gunzipped with a sync flush (it yields the prefix of the contents);
 *      a raw prefix is used as is;
 *   3. once the header and `maxItems` whole items are there, copy exactly those bytes out
 *      (the buffers read are dropped); at the end of the file, whatever it holds is checked
 *      as readIdxFile checks it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { fsError, gunzip, isGzip, parseIdx, parseIdxHeader, type IdxArray } from './idx-reader';

const FIRST_PREFIX_BYTES = 64 * 1024;

/**
 * The first `maxItems` items (along dims[0]) of an IDX file, .gz or raw; all of them when it
 * holds fewer. dims[0] of the result is the count returned.
 * @throws InvalidConfigError for a maxItems that is not an integer >= 0; DataError as readIdxFile
 */
export function readIdxPrefix(path: string, maxItems: number): IdxArray {
  if (!Number.isInteger(maxItems) || maxItems < 0) throw new InvalidConfigError('maxItems', maxItems, 'an integer >= 0');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fsError(path, e);
  }
  try {
    const size = fstatSync(fd).size;
    for (let want = Math.min(FIRST_PREFIX_BYTES, size); ; want = Math.min(2 * want, size)) {
      const prefix = new Uint8Array(want);
      const got = readSync(fd, prefix, 0, want, 0);
      const whole = got >= size;
      const head = prefix.subarray(0, got);
      if (whole) return firstItems(parseIdx(head, path), maxItems);
      const raw = isGzip(head) ? gunzip(head, path, true) : head;
      const found = itemsIn(raw, path, maxItems);
      if (found) return found;
    }
  } finally {
    closeSync(fd);
  }
}

/** The first `maxItems` items when `raw` (a decoded prefix) already holds them, else undefined. */
function itemsIn(raw: Uint8Array, path: string, maxItems: number): IdxArray | undefined {
  if (raw.length < 4 || raw.length < 4 + 4 * raw[3]!) return undefined; // not even the whole header yet
  const { dims, dataOffset } = parseIdxHeader(raw, path);
  const count = Math.min(maxItems, dims[0]!);
  const itemBytes = dims.slice(1).reduce((a, b) => a * b, 1);
  const end = dataOffset + count * itemBytes;
  if (raw.length < end) return undefined;
  return { dims: [count, ...dims.slice(1)], data: new Uint8Array(raw.subarray(dataOffset, end)) }; // a copy: raw may be a Buffer, whose slice is a view
}

function firstItems(all: IdxArray, maxItems: number): IdxArray {
  const count = Math.min(maxItems, all.dims[0]!);
  if (count === all.dims[0]) return all;
  const itemBytes = all.dims.slice(1).reduce((a, b) => a * b, 1);
  return { dims: [count, ...all.dims.slice(1)], data: new Uint8Array(all.data.subarray(0, count * itemBytes)) };
}
