/**
 * The plain-CSV fast path: numbers parsed from bytes are exactly what `+text` gives (or NaN,
 * so the caller asks the general parser), rows split as csv-parse splits them (BOM, CRLF,
 * empty lines counted, no final newline), a bad row named by line, and a file whose first
 * quote comes after the first chunk read exactly as csv-parse reads it.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_CHUNK_BYTES } from './byte-stream';
import { csvFormat, inspectCsv } from './csv-format';
import { parseAscii, scanPlainCsv, type PlainItem } from './csv-plain';

const ascii = (s: string): number => parseAscii(Buffer.from(s), 0, s.length);

async function items(path: string): Promise<PlainItem[]> {
  const out: PlainItem[] = [];
  for await (const it of scanPlainCsv(path))
    out.push(typeof it === 'object' && 'rows' in it ? { rows: { ...it.rows, lines: it.rows.lines.slice(0, it.rows.count) } } : it);
  return out;
}

describe('plain CSV fast path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-plain-'));

  it('parses a decimal literal to exactly +text, or returns NaN for the general parser', () => {
    const literal = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)),
      fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 12 })).map(([v, d]) => v.toFixed(d)),
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 16 })).map(([v, d]) => v.toExponential(d)),
      fc
        .tuple(fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{0,18}$/), fc.constantFrom('', '.'), fc.stringMatching(/^[0-9]{0,6}$/))
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(literal, (text) => {
        const v = ascii(text);
        if (!Number.isNaN(v)) expect(Object.is(v, +text)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    for (const t of ['0', '-0', '255', '0.0039', '-1.5e-3', '+7', '5.', '.5', '1E5', '123456789012345', '3.4028235e22'])
      expect(Object.is(ascii(t), +t)).toBe(true);
    for (const t of ['', ' 1', '1 ', '0x10', 'Infinity', 'NaN', '1e', '.', '-', '1.2.3', '1e400', '1234567890123456', '1e-23', '1,5'])
      expect(ascii(t)).toBeNaN();
  });

  it('splits rows as csv-parse does: BOM, CRLF, empty lines counted, no final newline; names a short row by line', async () => {
    const f = join(dir, 'a.csv');
    writeFileSync(f, '\uFEFFx,y,label\r\n1,2,0\r\n\r\n\n3,4,1');
    const got = await items(f);
    expect(got[0]).toEqual({ header: ['x', 'y', 'label'] });
    const rows = got.slice(1).flatMap((it) => (typeof it === 'object' && 'rows' in it ? Array.from(it.rows.lines) : []));
    expect(rows).toEqual([2, 5]);
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'x,label\n1,0\n2\n');
    await expect(items(short)).rejects.toThrow(/short\.csv line 3: Invalid Record Length: expect 2, got 1/);
    const quoted = join(dir, 'q.csv');
    writeFileSync(quoted, 'x,label\n"1",0\n');
    expect(await items(quoted)).toEqual(['quoted']);
  });

  it('reads a file whose first quote comes after the first chunk exactly as csv-parse reads it', async () => {
    const f = join(dir, 'late-quote.csv');
    const rows = ['a,b,label'];
    let n = 0;
    for (let bytes = 0; bytes < 1.5 * READ_CHUNK_BYTES; n++) {
      const row = `${(n * 0.001).toFixed(3)},${-n},${n % 7}`;
      rows.push(row);
      bytes += row.length + 1;
    }
    rows.push('"0.5",-1,3');
    writeFileSync(f, rows.join('\n') + '\n');
    const spec = await inspectCsv([f]);
    expect(spec.files[0]!.examples).toBe(n + 1);
    const fmt = csvFormat(spec);
    const seen: number[][] = [];
    for await (const recs of fmt.records(spec.files[0]!)) for (const r of recs) seen.push(Array.from(r.data as Float32Array));
    expect(seen).toHaveLength(n + 1);
    for (let i = 1; i < n; i += 997) expect(seen[i]).toEqual([Math.fround(+(i * 0.001).toFixed(3)), -i, i % 7]);
    expect(seen[n]).toEqual([0.5, -1, 3]);
  }, 60_000);
});
