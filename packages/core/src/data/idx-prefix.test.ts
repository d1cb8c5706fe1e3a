import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '../errors/data-error';
import { readIdxPrefix } from './idx-prefix';
import { readIdxFile } from './idx-reader';
import { encodeIdx } from './idx-writer';
import { loadIdxPair } from './idx-source';

/** 3000 pseudo-random 28x28 images (incompressible enough that a prefix read must grow). */
function images(): Uint8Array {
  const data = new Uint8Array(3000 * 784);
  let s = 12345;
  for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return data;
}

function write(dir: string, name: string, bytes: Uint8Array, gz: boolean): string {
  const file = join(dir, gz ? `${name}.gz` : name);
  writeFileSync(file, gz ? gzipSync(bytes) : bytes);
  return file;
}

describe('readIdxPrefix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idx-prefix-'));
  const idx = encodeIdx([3000, 28, 28], images());

  it.each([true, false])('gz=%s: the first N items equal the full read cut to N, for N small, large and past the end', (gz) => {
    const file = write(dir, `img-${gz}`, idx, gz);
    const full = readIdxFile(file);
    for (const n of [0, 1, 100, 2999, 3000, 5000]) {
      const r = readIdxPrefix(file, n);
      const count = Math.min(n, 3000);
      expect(r.dims).toEqual([count, 28, 28]);
      expect(Buffer.from(r.data).equals(Buffer.from(full.data.subarray(0, count * 784)))).toBe(true);
    }
  });

  it.each([true, false])('gz=%s: holds only the bytes it returns (a copy, not a view of a larger buffer)', (gz) => {
    for (const data of [idx, encodeIdx([3000, 28, 28], new Uint8Array(3000 * 784))]) {
      const r = readIdxPrefix(write(dir, `img-copy-${gz}`, data, gz), 10);
      expect(r.data.buffer.byteLength).toBe(10 * 784);
    }
  });

  it('checks a file it reads to the end as readIdxFile does', () => {
    const truncated = write(dir, 'short', idx.subarray(0, idx.length - 5), false);
    expect(() => readIdxPrefix(truncated, 5000)).toThrow(DataError);
    expect(() => readIdxPrefix(join(dir, 'missing.gz'), 5)).toThrow(/IDX file not found/);
  });

  it('loadIdxPair with a limit keeps the first examples and still compares the full counts', () => {
    const labels = encodeIdx(
      [3000],
      new Uint8Array(3000).map((_, i) => i % 10),
    );
    const img = write(dir, 'pair-img', idx, true);
    const lab = write(dir, 'pair-lab', labels, true);
    const src = loadIdxPair(img, lab, { limit: 7, dtype: 'uint8' });
    expect(src.size).toBe(7);
    expect([...Array.from({ length: 7 }, (_, i) => src.label(i))]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const fewer = write(dir, 'pair-lab-short', encodeIdx([2999], new Uint8Array(2999)), true);
    expect(() => loadIdxPair(img, fewer, { limit: 7 })).toThrow(/holds 3000 images but .* holds 2999 labels/);
  });
});
