import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NumericCsvScanner, scanNumericCsv } from './csv-numeric-scan';
import { parseNumber } from './tabular-schema';

const dir = mkdtempSync(join(tmpdir(), 'csv-numeric-'));
let n = 0;
const file = (text: string | Buffer): string => {
  const p = join(dir, `t${n++}.csv`);
  writeFileSync(p, text);
  return p;
};

describe('scanNumericCsv', () => {
  it('counts the rows of an all-numeric table (BOM, CRLF, empty lines, no final newline)', async () => {
    expect(await scanNumericCsv(file('a,b,label\n1,2.5,0\n-3,.5e-2,1\n'))).toEqual({ header: ['a', 'b', 'label'], rows: 2 });
    expect(await scanNumericCsv(file('\ufeffa,label\r\n1,0\r\n\r\n2,1'))).toEqual({ header: ['a', 'label'], rows: 2 });
    expect(await scanNumericCsv(file('a,label\n\n1,0\n\n'))).toEqual({ header: ['a', 'label'], rows: 1 });
    expect(await scanNumericCsv(file('a,label\n'))).toEqual({ header: ['a', 'label'], rows: 0 });
  });

  it.each([
    ['a letter', 'a,label\n1,x\n'],
    ['a quote', 'a,label\n"1",0\n'],
    ['a quoted header', '"a",label\n1,0\n'],
    ['an empty field', 'a,label\n1,\n'],
    ['a leading empty field', 'a,label\n,1\n'],
    ['a space', 'a,label\n1, 2\n'],
    ['a short row', 'a,b,label\n1,2\n'],
    ['NaN', 'a,label\nNaN,0\n'],
    ['Infinity', 'a,label\nInfinity,0\n'],
    ['a header without a newline', 'a,label'],
  ])('leaves a table with %s to the full inspection', async (_what, text) => {
    expect(await scanNumericCsv(file(text))).toBeUndefined();
  });

  it('leaves malformed numbers to the read, which names them; a row of another field count goes to the full inspection', async () => {
    expect(await scanNumericCsv(file('a,b,label\n1.2.3,-,0\n1,2,3\n'))).toEqual({ header: ['a', 'b', 'label'], rows: 2 });
    expect(await scanNumericCsv(file('a,b,label\n1,2\n3,4,5\n'))).toBeUndefined();
    expect(await scanNumericCsv(file('a,label\n1,2,3\n'))).toBeUndefined();
  });

  it('counts exactly the non-empty lines of random numeric tables, whatever the chunking (LF and CRLF)', () => {
    const line = fc.constantFrom('', '1,2', '-3.5,4e2', '0,0');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.boolean(), fc.array(fc.nat(400), { maxLength: 6 }), (lines, final, crlf, cuts) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = Buffer.from(`\ufeffa,label${eol}${lines.join(eol)}${final && lines.length ? eol : ''}`);
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const scanner = new NumericCsvScanner();
        [0, ...at].forEach((from, k) => scanner.push(Buffer.from(text.subarray(from, at[k] ?? text.length))));
        expect(scanner.finish()).toEqual({ header: ['a', 'label'], rows: lines.filter((l) => l !== '').length });
      }),
      { numRuns: 500 },
    );
  });

  it('counts rows across read chunks (a 3 MB table)', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `${i},${(i * 0.37).toFixed(3)},${i % 10}`);
    expect(await scanNumericCsv(file(`x,y,label\n${rows.join('\n')}\n`))).toEqual({ header: ['x', 'y', 'label'], rows: 40_000 });
  });
});
