/**
 * CSV and JSONL sources: columns typed on inspection (numeric, categorical with a sorted
 * vocabulary, JSONL arrays), rows decoded in file order, and a bad value named by file,
 * line and column.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { csvFormat, inspectCsv } from './csv-format';
import { inspectJsonl, jsonlFormat } from './jsonl-format';
import type { StreamSpec } from './stream-spec';
import { recordFormat } from './record-formats';

async function rows(spec: StreamSpec): Promise<{ x: number[][]; y: number[] }> {
  const fmt = recordFormat(spec);
  const len = spec.exampleShape[0]!;
  const x: number[][] = [];
  const y: number[] = [];
  for (const file of spec.files) {
    for await (const recs of fmt.records(file)) {
      for (const r of recs) {
        const out = new Float32Array(len);
        y.push(await fmt.decode(r, file, out, 0));
        x.push(Array.from(out));
      }
    }
  }
  return { x, y };
}

describe('CSV and JSONL sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tab-'));

  it('types CSV columns, writes categories as vocabulary indices, reads gzip and quotes', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv.gz');
    writeFileSync(a, 'size,color,label\r\n1.5,red,cat\n2,"blue, dark",dog\n');
    writeFileSync(b, gzipSync('size,color,label\n-3,red,dog\n'));
    const spec = await inspectCsv([a, b]);
    expect(spec.files.map((f) => f.examples)).toEqual([2, 1]);
    expect(spec.table!.features.map((c) => [c.name, c.vocabulary])).toEqual([
      ['size', undefined],
      ['color', ['blue, dark', 'red']],
    ]);
    expect(spec.table!.label.vocabulary).toEqual(['cat', 'dog']);
    expect(await rows(spec)).toEqual({
      x: [
        [1.5, 1],
        [2, 0],
        [-3, 1],
      ],
      y: [0, 1, 1],
    });
    expect(csvFormat).toBeDefined();
  });

  it('reads a column that turns categorical after numbers once more, so its numbers join the vocabulary', async () => {
    const f = join(dir, 'ratings.csv');
    writeFileSync(f, 'rating,label\n2,0\n10,1\nn/a,0\n2,1\n');
    const spec = await inspectCsv([f]);
    expect(spec.table!.features[0]!.vocabulary).toEqual(['10', '2', 'n/a']);
    expect((await rows(spec)).x).toEqual([[1], [0], [2], [1]]);
  });

  it('names file, line and column of a bad CSV value, and of a row with too few fields', async () => {
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'x,label\n1,0\n2,1\n');
    const spec = await inspectCsv([good], { features: ['x'] });
    const later = join(dir, 'later.csv');
    writeFileSync(later, 'x,label\n1,0\noops,1\n');
    const fmt = csvFormat(spec);
    const drain = async (path: string): Promise<void> => {
      for await (const _ of fmt.records({ path, examples: 2 })) void _;
    };
    await expect(drain(later)).rejects.toThrow(/later\.csv line 3, column "x": "oops" is not a number/);
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'x,label\n1,0\n2\n');
    await expect(inspectCsv([short])).rejects.toThrow(/short\.csv line 3: .*fields/);
    await expect(inspectCsv([good], { label: 'y' })).rejects.toThrow(/good\.csv line 1: no column "y" \(columns: x, label\); check --label/);
  });

  it('reads JSONL with array and categorical features and names a bad line', async () => {
    const f = join(dir, 'a.jsonl');
    writeFileSync(f, '{"pixels":[0,0.5],"kind":"b","label":2}\n\n{"pixels":[1,1],"kind":"a","label":0}\n');
    const spec = await inspectJsonl([f]);
    expect(spec.exampleShape).toEqual([3]);
    expect(await rows(spec)).toEqual({
      x: [
        [0, 0.5, 1],
        [1, 1, 0],
      ],
      y: [2, 0],
    });
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"pixels":[1,1],"kind":"a","label":0}\n{"pixels":[1],"kind":"a","label":0}\n');
    const fmt = jsonlFormat(spec);
    const out = new Float32Array(3);
    let err: unknown;
    for await (const recs of fmt.records({ path: bad, examples: 2 })) {
      for (const r of recs) {
        try {
          fmt.decode(r, { path: bad, examples: 2 }, out, 0);
        } catch (e) {
          err = e;
        }
      }
    }
    expect(String(err)).toMatch(/bad\.jsonl line 2, column "pixels": \[1\] is not an array of 2 numbers/);
    await expect(inspectJsonl([bad])).rejects.toThrow(/bad\.jsonl line 2, column "pixels"/);
  });
});
