/**
 * The data flags and what they open: --features parsing, the format taken from file names
 * (or a request for --format), --train-limit refused for streamed data, categorical
 * vocabularies written beside the checkpoints, and the IDX directory kept in memory.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStreamSource, loadFashionMnist } from '@syncline/core';
import { validateDataFlags } from './data-options';
import { loadRunData, VOCABULARY_FILE } from './data-load';

const SAMPLE = join(__dirname, '..', '..', '..', '..', 'test-data', 'fashion-mnist-sample');
const quiet = (): void => undefined;

describe('data flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'data-load-'));

  it('splits --features and refuses an empty name', () => {
    expect(validateDataFlags({ features: 'a, b', label: 'y', shuffleBuffer: 5 })).toEqual({ features: ['a', 'b'], label: 'y', shuffleBuffer: 5 });
    expect(() => validateDataFlags({ features: 'a,,b' })).toThrow(/--features/);
    expect(validateDataFlags({})).toEqual({});
  });

  it('keeps the Fashion-MNIST directory in memory without data flags, and streams it as IDX with --format idx', async () => {
    const mem = await loadRunData({ data: SAMPLE, multiWorker: false, isChief: true }, quiet, loadFashionMnist);
    expect(mem.streamed).toBe(false);
    expect(mem.train.size).toBe(2000);
    const streamed = await loadRunData(
      { data: join(SAMPLE, 'train-*'), dataFlags: { format: 'idx' }, multiWorker: false, isChief: true },
      quiet,
      loadFashionMnist,
    );
    expect(isStreamSource(streamed.train)).toBe(true);
    expect(streamed.train.size).toBe(2000);
    expect(streamed.test).toBeUndefined();
  });

  it('asks for --format when the file names do not tell, and refuses --train-limit for streamed data', async () => {
    const odd = join(dir, 'rows.txt');
    writeFileSync(odd, 'x,label\n1,0\n');
    await expect(loadRunData({ data: odd, multiWorker: false, isChief: true }, quiet, loadFashionMnist)).rejects.toThrow(
      /--format.*one of tfrecord, csv, jsonl, idx.*rows\.txt/,
    );
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, 'x,label\n1,0\n');
    await expect(loadRunData({ data: csv, trainLimit: 10, multiWorker: false, isChief: true }, quiet, loadFashionMnist)).rejects.toThrow(
      /--train-limit.*--virtual-epoch-size/,
    );
    const ok = await loadRunData({ data: odd, dataFlags: { format: 'csv' }, multiWorker: false, isChief: true }, quiet, loadFashionMnist);
    expect(ok.train.size).toBe(1);
  });

  it('writes the categorical vocabularies beside the checkpoints (chief only)', async () => {
    const csv = join(dir, 'pets.csv');
    writeFileSync(csv, 'weight,color,label\n3,red,cat\n9,brown,dog\n4,red,cat\n');
    const ckpt = join(dir, 'ckpt');
    const data = await loadRunData({ data: csv, multiWorker: false, isChief: true, checkpointDir: ckpt }, quiet, loadFashionMnist);
    expect(data.train.exampleShape).toEqual([2]);
    expect(JSON.parse(readFileSync(join(ckpt, VOCABULARY_FILE), 'utf8'))).toEqual({ color: ['brown', 'red'], label: ['cat', 'dog'] });
  });
});
