/**
 * `syncline train --data` on streamed files (issue 16): the Fashion-MNIST sample as TFRecord
 * shards written by TensorFlow (committed fixture), as CSV (one row per image), as raw
 * (not gzipped) IDX, and as a folder of PNG files per class (written here with sharp), each trained like the in-memory IDX run and tested on the same 500
 * images: each reaches the in-memory accuracy. A model whose input does not take the data's
 * examples is refused before training, naming both.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { readIdxFile } from '@syncline/core';
import type { TrainResult } from '../src/commands/train';
import { REPO, SAMPLE_DIR } from './helpers';
import { trainInProcess } from './train-in-process';

const TF_DIR = join(REPO, 'test-data', 'fashion-mnist-tfrecord');
/**
 * Accuracy a streamed run may differ from the in-memory one by: both see the same 2,000
 * examples in another order, and on 500 test images such runs spread by about +-2 points
 * (one standard error of the test accuracy is ~1.8 points), so 4 points is about 2 SE.
 */
const ACCURACY_TOLERANCE = 0.04;

async function train(flags: Record<string, unknown>): Promise<TrainResult> {
  const lines: string[] = [];
  const r = await trainInProcess({ epochs: 4, seed: 42, ...flags }, (l) => lines.push(l));
  process.stderr.write(
    `${JSON.stringify(flags.data)}: test accuracy ${(100 * r.testAccuracy).toFixed(2)}%\n${lines.filter((l) => l.includes('reads')).join('\n')}\n`,
  );
  return r;
}

/** The sample as CSV: label, then 784 pixel columns scaled to [0, 1] (4 decimals). */
function writeCsv(dir: string, split: 'train' | 't10k'): string {
  const x = readIdxFile(join(SAMPLE_DIR, `${split}-images-idx3-ubyte.gz`)).data;
  const y = readIdxFile(join(SAMPLE_DIR, `${split}-labels-idx1-ubyte.gz`)).data;
  const header = ['label', ...Array.from({ length: 784 }, (_, i) => `p${i}`)].join(',');
  const rows = [header];
  for (let i = 0; i < y.length; i++) rows.push(`${y[i]},${Array.from(x.subarray(i * 784, (i + 1) * 784), (b) => (b / 255).toFixed(4)).join(',')}`);
  const path = join(dir, `${split}.csv`);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

describe('syncline train on streamed files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byod-'));
  let memory: TrainResult;

  beforeAll(async () => {
    memory = await train({ data: SAMPLE_DIR });
  }, 300_000);

  it('TFRecord shards written by TensorFlow (two gzipped) train to the in-memory accuracy', async () => {
    const r = await train({ data: join(TF_DIR, 'train*'), validationData: join(TF_DIR, 'test.tfrecord') });
    expect(r.history).toHaveLength(4);
    expect(Math.abs(r.testAccuracy - memory.testAccuracy)).toBeLessThanOrEqual(ACCURACY_TOLERANCE);
  }, 300_000);

  it('CSV rows train to the in-memory accuracy', async () => {
    const train_ = writeCsv(dir, 'train');
    const test = writeCsv(dir, 't10k');
    const r = await train({ data: train_, validationData: test, label: 'label' });
    expect(Math.abs(r.testAccuracy - memory.testAccuracy)).toBeLessThanOrEqual(ACCURACY_TOLERANCE);
  }, 300_000);

  it('raw IDX files (not gzipped) train to the in-memory accuracy', async () => {
    const idx = join(dir, 'idx');
    mkdirSync(idx);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      writeFileSync(join(idx, f), gunzipSync(readFileSync(join(SAMPLE_DIR, `${f}.gz`))));
    }
    const r = await train({ data: join(idx, 'train-*'), validationData: join(idx, 't10k-*'), format: 'idx', shuffleBuffer: 2000 });
    expect(Math.abs(r.testAccuracy - memory.testAccuracy)).toBeLessThanOrEqual(ACCURACY_TOLERANCE);
  }, 300_000);

  it('a PNG folder per class (root/<class>/*.png) trains to the in-memory accuracy', async () => {
    for (const split of ['train', 't10k'] as const) {
      const x = readIdxFile(join(SAMPLE_DIR, `${split}-images-idx3-ubyte.gz`)).data;
      const y = readIdxFile(join(SAMPLE_DIR, `${split}-labels-idx1-ubyte.gz`)).data;
      for (let c = 0; c < 10; c++) mkdirSync(join(dir, 'png', split, `class-${c}`), { recursive: true });
      await Promise.all(
        Array.from(y, (label, i) =>
          sharp(Buffer.from(x.subarray(i * 784, (i + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } })
            .toColourspace('b-w')
            .png()
            .toFile(join(dir, 'png', split, `class-${label}`, `${String(i).padStart(5, '0')}.png`)),
        ),
      );
    }
    const r = await train({ data: join(dir, 'png', 'train'), validationData: join(dir, 'png', 't10k') });
    expect(Math.abs(r.testAccuracy - memory.testAccuracy)).toBeLessThanOrEqual(ACCURACY_TOLERANCE);
  }, 300_000);

  it('refuses a model whose input does not take the examples, naming --model and --data', async () => {
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'a,b,label\n1,2,0\n3,4,1\n');
    await expect(train({ data: path })).rejects.toThrow(
      /--model mlp takes inputShape \[784\] \(784 values\) but --data .*small\.csv holds examples of \[2\] \(2 values\)/,
    );
  }, 120_000);
});
