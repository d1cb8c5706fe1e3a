import { LineSplitter } from './line-splitter';

function split(chunks: (string | Buffer)[]): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and flushes an unterminated last line', () => {
    expect(split(['ab', 'c\nde', 'f\n\ng'])).toEqual(['abc', 'def', '', 'g']);
  });

  it('drops the \\r of \\r\\n line breaks', () => {
    expect(split(['one\r\ntwo\r', '\n'])).toEqual(['one', 'two']);
  });

  it('reassembles a multi-byte character split between two buffers', () => {
    const bytes = Buffer.from('é✓\n', 'utf8');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é✓']);
  });

  it('emits nothing for an empty stream', () => {
    expect(split([])).toEqual([]);
  });
});
