/**
 * Real-valued labels (issue 17) through the streamed CSV and JSONL sources and their reader
 * thread: under a regression's labelKind 'float32' a fractional target column arrives in
 * the batches as float32, bit for bit what Math.fround(+text) gives, on the fast plain path
 * and the quoted (csv-parse) path alike, and resumes from an iterator state; under the
 * classification default the same column is refused naming file, line and column.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distributeDataset } from '../distribute';
import { openStreamSource } from './open-stream-source';
import type { StreamShardedDataset } from './stream-dataset';

const TEXTS = ['0.1', '-3.25', '1e-3', '123456.789', '-0.000123456789', '7', '2.718281828459045', '-1e10', '0.3333333333333333'];
const EXPECTED = TEXTS.map((t) => Math.fround(+t));

/** A table of id (the feature) and target; `quoteRow` quotes one row's fields (csv-parse path from there on). */
function writeCsv(quoteRow = -1, texts: readonly string[] = TEXTS): string {
  const dir = mkdtempSync(join(tmpdir(), 'float-labels-'));
  const rows = ['id,target', ...texts.map((t, i) => (i === quoteRow ? `"${i}","${t}"` : `${i},${t}`))];
  writeFileSync(join(dir, 't.csv'), rows.join('\n') + '\n');
  return join(dir, 't.csv');
}

/** [id, label, label array type] of every example of `epoch` from `from`. */
function read(ds: StreamShardedDataset, epoch = 0, from = 0): [number, number, string][] {
  const out: [number, number, string][] = [];
  for (const step of ds.epoch(epoch, from)) for (const b of step) for (let k = 0; k < b.size; k++) out.push([b.x[k]!, b.y[k]!, b.y.constructor.name]);
  return out;
}

async function dataset(path: string, labelKind?: 'int32' | 'float32', seed = 5, replicas = 2): Promise<StreamShardedDataset> {
  const src = await openStreamSource(path, { label: 'target', shuffleBuffer: 4 });
  return distributeDataset(src, { globalBatchSize: 4, seed, ...(labelKind ? { labelKind } : {}) }, { numReplicasInSync: replicas }) as StreamShardedDataset;
}

describe('float32 labels from streamed tables', () => {
  it.each([
    ['the plain CSV path', -1],
    ['the quoted (csv-parse) path', 2],
  ])(
    'a fractional CSV target column arrives as float32, bit-exact, through %s',
    async (_, quoteRow) => {
      const ds = await dataset(writeCsv(quoteRow), 'float32');
      try {
        const seen = read(ds);
        expect(seen.map(([id]) => id).sort((a, b) => a - b)).toEqual([...TEXTS.keys()]);
        for (const [id, y, type] of seen) {
          expect(type).toBe('Float32Array');
          expect(Object.is(y, EXPECTED[id]!)).toBe(true);
        }
      } finally {
        await ds.close();
      }
    },
    60_000,
  );

  it('JSONL targets arrive as float32 too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'float-labels-'));
    writeFileSync(join(dir, 't.jsonl'), TEXTS.map((t, i) => `{"id": ${i}, "target": ${t}}`).join('\n') + '\n');
    const ds = await dataset(join(dir, 't.jsonl'), 'float32', 5, 1);
    try {
      for (const [id, y, type] of read(ds)) expect([type, Object.is(y, EXPECTED[id]!)]).toEqual(['Float32Array', true]);
    } finally {
      await ds.close();
    }
  }, 60_000);

  it('a reader restarted at a saved iterator state yields the same float labels as an uninterrupted epoch', async () => {
    const path = writeCsv();
    const whole = await dataset(path, 'float32', 9, 1);
    const again = await dataset(path, 'float32', 9, 1);
    try {
      const all = read(whole, 1);
      const at = again.resume(JSON.parse(JSON.stringify(whole.stateAt(1, 1))));
      expect(read(again, at.epoch, at.step)).toEqual(all.slice(4));
    } finally {
      await Promise.all([whole.close(), again.close()]);
    }
  }, 60_000);

  it('classification (the default int32) refuses a fractional target naming file, line and column, on both CSV paths', async () => {
    for (const quoteRow of [-1, 0]) {
      const ds = await dataset(writeCsv(quoteRow), undefined, 5, 1);
      try {
        expect(() => read(ds)).toThrow(/t\.csv line \d+, column "target": "[^"]+" is not a non-negative integer class/);
      } finally {
        await ds.close();
      }
    }
    const ints = await dataset(writeCsv(-1, ['0', '3', '1', '2']), 'int32', 5, 1);
    try {
      expect(
        read(ints)
          .map(([id, y, t]) => [id, y, t])
          .sort((a, b) => (a[0] as number) - (b[0] as number)),
      ).toEqual([
        [0, 0, 'Int32Array'],
        [1, 3, 'Int32Array'],
        [2, 1, 'Int32Array'],
        [3, 2, 'Int32Array'],
      ]);
    } finally {
      await ints.close();
    }
  }, 60_000);

  it('a regression target that is not a number is refused naming file, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'float-labels-'));
    writeFileSync(join(dir, 'a.csv'), 'id,target\n0,0.5\n1,1.5\n');
    const src = await openStreamSource(join(dir, 'a.csv'), { label: 'target' });
    writeFileSync(join(dir, 'a.csv'), 'id,target\n0,0.5\n1,1.5x\n'); // changed after opening
    const ds = distributeDataset(src, { globalBatchSize: 2, shuffle: false, labelKind: 'float32' }) as StreamShardedDataset;
    try {
      expect(() => read(ds)).toThrow(/a\.csv line 3, column "target": "1\.5x" is not a number/);
    } finally {
      await ds.close();
    }
  }, 60_000);
});
