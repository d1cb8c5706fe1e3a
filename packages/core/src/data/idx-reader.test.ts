import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isSynclineError } from '../errors/syncline-error';
import { parseIdx, readIdxDims, readIdxFile } from './idx-reader';
import { loadIdxPair } from './idx-source';
import { encodeIdx } from './idx-writer';
import { loadFashionMnist } from './fashion-mnist';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-idx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function expectDataError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(isSynclineError(e) && e.code).toBe('DATA_ERROR');
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a DataError');
}

const pixels = Uint8Array.from({ length: 3 * 4 }, (_, i) => i * 20);

describe('IDX reader', () => {
  it('reads raw and gzipped files alike, and their dims from the header alone', () => {
    const raw = write('a.idx', encodeIdx([3, 2, 2], pixels));
    const gz = write('a.idx.gz', encodeIdx([3, 2, 2], pixels, true));
    for (const p of [raw, gz]) {
      const arr = readIdxFile(p);
      expect(arr.dims).toEqual([3, 2, 2]);
      expect([...arr.data]).toEqual([...pixels]);
      expect(readIdxDims(p)).toEqual([3, 2, 2]);
    }
  });

  it('a missing file says how to get Fashion-MNIST', () => {
    expectDataError(() => readIdxFile(join(dir, 'nope.gz')), /not found: .*nope\.gz.*dataset-fashion-mnist.*\/usr\/share\/datasets\/fashion-mnist/);
    expectDataError(() => loadFashionMnist(join(dir, 'no-such-dir')), /train-images-idx3-ubyte\.gz.*apt-get install dataset-fashion-mnist/);
  });

  it('bad magic, unsupported element type, truncated header', () => {
    expectDataError(() => parseIdx(Uint8Array.from([1, 2, 3, 4, 0, 0]), 'x.idx'), /x\.idx has bad IDX magic 0x01020304/);
    expectDataError(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'f.idx'), /element type 0x0d \(float32\)/);
    expectDataError(() => parseIdx(Uint8Array.from([0, 0, 8]), 't.idx'), /truncated/);
    expectDataError(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]), 'h.idx'), /truncated inside its header: 3 dimensions need 16 bytes/);
  });

  it('truncated data (raw and gzip) and trailing bytes are errors that name the file', () => {
    const full = encodeIdx([3, 2, 2], pixels);
    expectDataError(() => readIdxFile(write('short.idx', full.subarray(0, full.length - 5))), /short\.idx is truncated: .*promises 12 data bytes but only 7/);
    const gz = encodeIdx([3, 2, 2], pixels, true);
    expectDataError(() => readIdxFile(write('cut.gz', gz.subarray(0, gz.length - 6))), /cut\.gz is not a valid gzip stream/);
    const long = new Uint8Array(full.length + 2);
    long.set(full);
    expectDataError(() => readIdxFile(write('long.idx', long)), /2 unexpected byte\(s\)/);
    expectDataError(() => readIdxFile(write('garbage.gz', Uint8Array.from([0x1f, 0x8b, 1, 2, 3]))), /not a valid gzip stream/);
  });

  it('loadIdxPair: count mismatch and swapped files are errors; the source scales bytes to [0, 1]', () => {
    const images = write('i.gz', encodeIdx([3, 2, 2], pixels, true));
    const labels = write('l.gz', encodeIdx([3], Uint8Array.from([1, 2, 3]), true));
    const wrong = write('l4.gz', encodeIdx([4], Uint8Array.from([1, 2, 3, 4]), true));
    expectDataError(() => loadIdxPair(images, wrong), /holds 3 images but .*l4\.gz holds 4 labels/);
    expectDataError(() => loadIdxPair(labels, images), /swapped/);
    for (const dtype of ['float32', 'uint8'] as const) {
      const src = loadIdxPair(images, labels, { exampleShape: [2, 2, 1], dtype });
      expect(src.x).toBeInstanceOf(dtype === 'float32' ? Float32Array : Uint8Array);
      expect(src.size).toBe(3);
      const out = new Float32Array(4);
      src.readFeatures(1, out, 0);
      [80, 100, 120, 140].forEach((v, i) => expect(out[i]).toBeCloseTo(v / 255, 6));
      expect(src.label(2)).toBe(3);
    }
    expectDataError(() => loadIdxPair(images, labels, { exampleShape: [5] }), /exampleShape \[5\] holds 5 values/);
  });

  it('gzip of a non-IDX payload is reported as bad magic', () => {
    expectDataError(() => readIdxFile(write('text.gz', new Uint8Array(gzipSync(Buffer.from('hello world'))))), /bad IDX magic/);
  });
});

describe('IDX reader fuzz', () => {
  it('a mutated or cut file either parses to consistent dims or throws DataError, never anything else', () => {
    const valid = encodeIdx(
      [5, 3, 2],
      Uint8Array.from({ length: 30 }, (_, i) => i),
      false,
    );
    const validGz = encodeIdx(
      [5, 3, 2],
      Uint8Array.from({ length: 30 }, (_, i) => i),
      true,
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(300), (gz, edits, cut) => {
        const bytes = Uint8Array.from(gz ? validGz : valid);
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        const input = bytes.subarray(0, Math.min(bytes.length, cut));
        try {
          const arr = parseIdx(input, 'fuzz');
          expect(arr.data.length).toBe(arr.dims.reduce((a, b) => a * b, 1));
        } catch (e) {
          expect(isSynclineError(e) && e.code).toBe('DATA_ERROR');
        }
      }),
      { numRuns: 300 },
    );
  });
});
