import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { RunReporter } from './run-reporter';

describe('RunReporter', () => {
  it('writes metrics lines, TensorBoard events, an HTML report and a PNG of the curves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const r = new RunReporter(dir, () => ({ strategy: 'MirroredStrategy', testAccuracy: 0.87 }));
    r.onEpochEnd(0, { loss: 0.6, accuracy: 0.78, valLoss: 0.5, valAccuracy: 0.82, examplesPerSec: 9000, allReduceShare: 0.1 });
    r.onEpochEnd(1, { loss: 0.4, accuracy: 0.85, valLoss: 0.45, valAccuracy: 0.84, examplesPerSec: 9500, allReduceShare: 0.12 });
    const { html, png } = r.finish();
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([1, 2]);
    expect(lines[1].valAccuracy).toBe(0.84);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<polyline');
    expect(page).toContain('0.8700');
    const img = PNG.sync.read(readFileSync(png));
    expect(img.width).toBe(800);
    // the curves are drawn: some pixels are neither white nor grey
    let coloured = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i] !== img.data[i + 1] || img.data[i + 1] !== img.data[i + 2]) coloured++;
    expect(coloured).toBeGreaterThan(100);
  });
});
