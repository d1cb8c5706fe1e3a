/**
 * TFRecord reading against files written by real TensorFlow 2.16 (test-data/fashion-mnist-tfrecord,
 * made by tools/fixtures/tfrecord/make_fashion_mnist_tfrecord.py from the IDX sample): every
 * pixel and label equals the IDX sample's, plain and gzipped; corruption is named.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BYTE_TO_UNIT } from '../in-memory-source';
import { readIdxFile } from '../idx-reader';
import { crc32c, maskedCrc32c } from './crc32c';
import { inspectTfrecord, tfrecordFormat } from './tfrecord-format';
import { frameRecord, TFRecordFramer } from './tfrecord-framer';

const ROOT = join(__dirname, '..', '..', '..', '..', '..', 'test-data');
const TF_DIR = join(ROOT, 'fashion-mnist-tfrecord');
const SHARDS = [0, 1, 2, 3].map((s) => join(TF_DIR, `train.tfrecord-0000${s}-of-00004${s >= 2 ? '.gz' : ''}`));

async function readAll(paths: string[]): Promise<{ x: Float32Array; y: number[] }> {
  const spec = await inspectTfrecord(paths);
  const fmt = tfrecordFormat(spec);
  const x = new Float32Array(spec.files.reduce((a, f) => a + f.examples, 0) * 784);
  const y: number[] = [];
  for (const file of spec.files) for await (const recs of fmt.records(file)) for (const r of recs) y.push(await fmt.decode(r, file, x, y.length * 784));
  return { x, y };
}

describe('TFRecord of tf.train.Example', () => {
  it('computes CRC-32C and its TFRecord mask on the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    // eight bytes per step agree with the textbook bit-by-bit CRC on every length and offset
    const bitwise = (b: Uint8Array, from: number, to: number): number => {
      let c = 0xffffffff;
      for (let i = from; i < to; i++) {
        c ^= b[i]!;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 255);
    for (let from = 0; from < 9; from++) for (let to = from; to <= bytes.length; to += 13) expect(crc32c(bytes, from, to)).toBe(bitwise(bytes, from, to));
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe((((0xe3069283 >>> 15) | (0xe3069283 << 17)) + 0xa282ead8) >>> 0);
  });

  it('reads the shards TensorFlow wrote (two plain, two gzipped) as exactly the IDX sample', async () => {
    const spec = await inspectTfrecord(SHARDS);
    expect(spec.files.map((f) => f.examples)).toEqual([500, 500, 500, 500]);
    expect(spec.example).toEqual({ features: [{ name: 'image', length: 784 }], label: 'label' });
    const { x, y } = await readAll(SHARDS);
    const images = readIdxFile(join(ROOT, 'fashion-mnist-sample', 'train-images-idx3-ubyte.gz')).data;
    const labels = readIdxFile(join(ROOT, 'fashion-mnist-sample', 'train-labels-idx1-ubyte.gz')).data;
    expect(y).toEqual(Array.from(labels));
    const want = new Float32Array(images.length);
    for (let i = 0; i < images.length; i++) want[i] = images[i]! * BYTE_TO_UNIT;
    expect(Buffer.from(x.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });

  it('names the file and record of a bad payload checksum, and of a truncated file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfr-'));
    const bad = join(dir, 'bad.tfrecord');
    const bytes = readFileSync(SHARDS[0]!);
    const frame = bytes.length / 500; // every record of the shard has the same size
    bytes[frame * 3 + 12 + 100] = bytes[frame * 3 + 12 + 100]! ^ 0xff; // inside record 3's payload
    writeFileSync(bad, bytes);
    const spec = await inspectTfrecord([SHARDS[1]!]);
    const fmt = tfrecordFormat(spec);
    const drain = async (path: string): Promise<void> => {
      for await (const _ of fmt.records({ path, examples: 500 })) void _;
    };
    await expect(drain(bad)).rejects.toThrow(new RegExp(`bad\\.tfrecord: record 3 at byte ${3 * frame} has a bad payload checksum`));
    const cut = join(dir, 'cut.tfrecord');
    copyFileSync(SHARDS[0]!, cut);
    writeFileSync(cut, readFileSync(SHARDS[0]!).subarray(0, frame * 2 + 20));
    await expect(drain(cut)).rejects.toThrow(/cut\.tfrecord: ends inside record 2 .*truncated/);
    await expect(inspectTfrecord([cut])).rejects.toThrow(/cut\.tfrecord/);
  });

  it('frames split across chunks at every byte come out whole', () => {
    const a = frameRecord(Buffer.from('first record'));
    const b = frameRecord(Buffer.from('second'));
    const all = Buffer.concat([a, b]);
    for (let cut = 0; cut <= all.length; cut++) {
      const f = new TFRecordFramer('x');
      const got = [...f.push(all.subarray(0, cut)), ...f.push(all.subarray(cut))].map((p) => p.toString());
      f.end();
      expect(got).toEqual(['first record', 'second']);
    }
  });

  it('frames fed in three chunks at every pair of cuts, or a byte at a time, come out whole and are counted; a bad header is named at its byte', () => {
    const frames = [frameRecord(Buffer.from('first record')), frameRecord(Buffer.from('second')), frameRecord(Buffer.alloc(40, 7))];
    const all = Buffer.concat(frames);
    const want = ['first record', 'second', Buffer.alloc(40, 7).toString()];
    for (let i = 0; i <= all.length; i++) {
      for (let j = i; j <= all.length; j++) {
        const f = new TFRecordFramer('x');
        const got = [all.subarray(0, i), all.subarray(i, j), all.subarray(j)].flatMap((c) => f.push(Buffer.from(c))).map((p) => p.toString());
        f.end();
        expect(got).toEqual(want);
        const counter = new TFRecordFramer('x');
        [all.subarray(0, i), all.subarray(i, j), all.subarray(j)].forEach((c) => counter.skip(c));
        counter.end();
        expect(counter.count).toBe(3);
      }
    }
    const f = new TFRecordFramer('x');
    const bytewise = [...all].flatMap((_, k) => f.push(all.subarray(k, k + 1)));
    expect(bytewise.map((p) => p.toString())).toEqual(want);
    const broken = Buffer.from(all);
    const third = frames[0]!.length + frames[1]!.length;
    broken[third + 8] = broken[third + 8]! ^ 1; // the third frame's length checksum
    const g = new TFRecordFramer('y');
    expect(() => [broken.subarray(0, third - 3), broken.subarray(third - 3)].forEach((c) => g.push(c))).toThrow(
      new RegExp(`y: record 2 at byte ${third} has a bad length checksum`),
    );
  });

  it('names a missing label or feature and lists the ones there are', async () => {
    await expect(inspectTfrecord([SHARDS[0]!], { label: 'class' })).rejects.toThrow(
      /no feature "class" to use as the label \(features: image, label\); pass --label/,
    );
    await expect(inspectTfrecord([SHARDS[0]!], { features: ['pixels'] })).rejects.toThrow(/no feature "pixels" \(features: image, label\); check --features/);
  });
});
