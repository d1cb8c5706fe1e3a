import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, maskedCrc32c } from './crc32c';
import { decodeEvent, TensorBoardWriter } from './tensorboard-writer';

/** Reads TFRecord framing back, checking both CRCs as TensorBoard's reader does. */
function readRecords(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let o = 0;
  while (o < buf.length) {
    const len = Number(buf.readBigUInt64LE(o));
    expect(buf.readUInt32LE(o + 8)).toBe(maskedCrc32c(buf.subarray(o, o + 8)));
    const data = buf.subarray(o + 12, o + 12 + len);
    expect(buf.readUInt32LE(o + 12 + len)).toBe(maskedCrc32c(data));
    out.push(data);
    o += 16 + len;
  }
  return out;
}

describe('TensorBoard events', () => {
  it('crc32c matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('writes a file_version event then scalar summaries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-'));
    const w = new TensorBoardWriter(dir);
    w.scalars(1, { 'epoch/loss': 0.5, 'epoch/accuracy': 0.75 });
    w.scalars(2, { 'epoch/loss': 0.25, bad: Number.NaN });
    const records = readRecords(readFileSync(w.file)).map((r) => decodeEvent(r));
    expect(records[0]).toMatchObject({ fileVersion: 'brain.Event:2' });
    expect(records[1]).toMatchObject({
      step: 1,
      summary: {
        value: [
          { tag: 'epoch/loss', simpleValue: 0.5 },
          { tag: 'epoch/accuracy', simpleValue: 0.75 },
        ],
      },
    });
    expect((records[2]!.summary as { value: unknown[] }).value).toHaveLength(1);
  });
});
