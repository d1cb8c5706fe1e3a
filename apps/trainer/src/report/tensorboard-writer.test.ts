/** Event file framing, histograms, and one event file per run directory across sessions. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, maskedCrc32c } from './crc32c';
import { histogramOf } from './tensorboard-proto';
import { decodeEvent, TensorBoardWriter } from './tensorboard-writer';

/** Reads TFRecord framing back, checking both CRCs as TensorBoard's reader does. */
function readEvents(file: string): Record<string, unknown>[] {
  const buf = readFileSync(file);
  const out: Record<string, unknown>[] = [];
  let o = 0;
  while (o < buf.length) {
    const len = Number(buf.readBigUInt64LE(o));
    expect(buf.readUInt32LE(o + 8)).toBe(maskedCrc32c(buf.subarray(o, o + 8)));
    const data = buf.subarray(o + 12, o + 12 + len);
    expect(buf.readUInt32LE(o + 12 + len)).toBe(maskedCrc32c(data));
    out.push(decodeEvent(data));
    o += 16 + len;
  }
  return out;
}

describe('TensorBoard events', () => {
  it('crc32c matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('writes a file_version event, scalar summaries (finite values only), histograms and a restart', () => {
    const w = new TensorBoardWriter(mkdtempSync(join(tmpdir(), 'tb-')));
    w.scalars(1, { epoch_loss: 0.5, epoch_accuracy: 0.75 });
    w.scalars(2, { epoch_loss: 0.25, bad: Number.NaN, missing: undefined });
    w.scalars(3, { bad: Number.POSITIVE_INFINITY }); // nothing left: no event
    w.histograms(2, { 'dense_0/kernel/histogram': histogramOf(Float32Array.from([-1, 1])) });
    w.restart(7);
    const events = readEvents(w.file);
    expect(events.map((e) => e.step ?? 0)).toEqual([0, 1, 2, 2, 7]);
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2' });
    expect(events[1]).toMatchObject({
      summary: {
        value: [
          { tag: 'epoch_loss', simpleValue: 0.5 },
          { tag: 'epoch_accuracy', simpleValue: 0.75 },
        ],
      },
    });
    expect((events[2]!.summary as { value: unknown[] }).value).toHaveLength(1);
    expect(events[3]).toMatchObject({ summary: { value: [{ tag: 'dense_0/kernel/histogram', histo: { min: -1, max: 1, num: 2 } }] } });
    expect(events[4]).toMatchObject({ sessionLog: { status: 'START' } });
  });

  it('keeps one event file per run directory: a resume appends, a fresh run replaces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-run-'));
    const first = new TensorBoardWriter(dir);
    first.scalars(0, { epoch_loss: 1 });
    const resumed = new TensorBoardWriter(dir, { append: true });
    resumed.scalars(1, { epoch_loss: 0.5 });
    expect(resumed.file).toBe(first.file);
    expect(readEvents(first.file).map((e) => e.step ?? 0)).toEqual([0, 0, 1]);
    const fresh = new TensorBoardWriter(join(dir));
    expect(readdirSync(dir)).toHaveLength(1);
    expect(readEvents(fresh.file)).toHaveLength(1);
  });

  it('buckets a histogram from min to max, leaving out NaN', () => {
    const h = histogramOf(Float32Array.from([0, 0.125, 0.25, 0.875, 1, Number.NaN]), 8);
    expect([h.min, h.max, h.num, h.sum, h.sumSquares]).toEqual([0, 1, 5, 2.25, 0.015625 + 0.0625 + 0.765625 + 1]);
    expect(h.bucket).toEqual([1, 1, 1, 0, 0, 0, 0, 2]); // the last bucket holds 0.875 and the maximum
    expect(h.bucketLimit).toEqual([0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1]);
    expect(histogramOf(Float32Array.from([3, 3]))).toMatchObject({ bucketLimit: [3], bucket: [2] });
  });
});
