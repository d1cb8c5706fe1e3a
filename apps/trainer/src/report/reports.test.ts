/**
 * RunReporter end to end on fake epochs: metrics.jsonl, report.html (one chart per metric,
 * run facts, no "[object"), curves.png; a resumed run keeps the whole history; a fresh run
 * in the same folder starts anew.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presetModelSpec, type EpochLogs } from '@syncline/core';
import { ChartRenderer } from './chart-renderer';
import { METRIC_CHARTS } from './chart-specs';
import { summarizeModel } from './model-summary';
import type { RunInfo } from './run-info';
import { RunReporter } from './run-reporter';

const info: RunInfo = {
  command: 'syncline train --replicas 2 --epochs 3 --log-dir logs',
  cwd: '/work',
  flags: { '--replicas': 2, '--epochs': 3, '--tls': { certFile: 'a.pem' } },
  model: summarizeModel(presetModelSpec('mlp'), 'mlp'),
  seed: 42,
  strategy: 'MirroredStrategy',
  backend: 'tfjs',
  replicas: 2,
  workers: 1,
  replicaKind: 'threads',
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
};

const logs = (e: number): EpochLogs => ({
  loss: 1 / (e + 1),
  accuracy: 0.7 + 0.05 * e,
  valLoss: 1.1 / (e + 1),
  valAccuracy: 0.68 + 0.05 * e,
  examplesPerSec: 9000 + 100 * e,
  allReduceShare: 0.1,
});

/** A clock that moves one minute per call, from a fixed date. */
function clock(): () => Date {
  let t = Date.parse('2026-12-07T10:00:00Z');
  return () => new Date((t += 60_000));
}

const pngSize = (b: Buffer): [number, number] => {
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
};
const metricsEpochs = (dir: string): number[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).epoch);
const chartCount = (html: string): number => (html.match(/<figure class="chart"/g) ?? []).length;

describe('RunReporter', () => {
  jest.setTimeout(60_000);

  it('writes metrics lines, a live then final report.html and curves.png', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const r = new RunReporter(dir, { info, plannedEpochs: 2, now: clock() });
    r.onTrainBegin(undefined, { initialEpoch: 0 });
    await r.flush();
    let page = readFileSync(r.html, 'utf8');
    expect(page).toContain('<meta http-equiv="refresh"');
    expect(page).toContain('0 of 2 epochs finished');
    r.onEpochEnd(0, logs(0));
    r.onEpochEnd(1, logs(1));
    expect(metricsEpochs(dir)).toEqual([1, 2]); // written at once; the page follows in the background
    await r.flush();
    expect(readFileSync(r.html, 'utf8')).toContain('2 of 2 epochs finished');
    const files = await r.finish({ preempted: false, testAccuracy: 0.8512, testLoss: 0.41, trainImagesPerSec: 9050, extra: { 'weight update': 'sharded' } });

    expect(metricsEpochs(dir)).toEqual([1, 2]);
    page = readFileSync(files.html, 'utf8');
    expect(page).not.toContain('[object');
    expect(page).not.toContain('http-equiv="refresh"');
    expect(chartCount(page)).toBe(METRIC_CHARTS.length);
    for (const m of METRIC_CHARTS) expect(page).toContain(`data-metric="${m.key}"`);
    expect(page).toContain('<svg'); // drawn by vega
    expect(page).toContain('2 replicas on 1 worker (threads)');
    expect(page).not.toMatch(/worldSize/);
    expect(page).toContain(info.command.replace(/ /g, ' '));
    expect(page).toContain('101,770'); // the MLP's parameters: 784*128+128 + 128*10+10
    expect(page).toContain('(batch, 128)');
    expect(page).toContain('0123456789abcdef0123456789abcdef01234567');
    expect(page).toContain('2026-12-07 10:01:00 UTC'); // started
    expect(page).toContain('85.12%');
    expect(page).toContain('{&quot;certFile&quot;:&quot;a.pem&quot;}');
    const [w, h] = pngSize(readFileSync(files.png));
    expect(w).toBeGreaterThan(1200); // drawn at 2x
    expect(h).toBeGreaterThan(400);
  });

  it('keeps the whole history across a resume; a fresh run starts anew', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-resume-'));
    const first = new RunReporter(dir, { info, plannedEpochs: 3, now: clock() });
    first.onTrainBegin(undefined, { initialEpoch: 0 });
    first.onEpochEnd(0, logs(0));
    first.onEpochEnd(1, logs(1));
    await first.close(); // killed: no finish()

    const second = new RunReporter(dir, { info, plannedEpochs: 3, now: clock() });
    second.onTrainBegin(undefined, { initialEpoch: 2 });
    second.onEpochEnd(2, logs(2));
    const { html } = await second.finish({ preempted: false, testAccuracy: 0.8, testLoss: 0.5 });
    expect(second.rows.map((row) => row.epoch)).toEqual([1, 2, 3]);
    expect(metricsEpochs(dir)).toEqual([1, 2, 3]);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<td>1<\/td>.*<td>2<\/td>.*<td>3<\/td>/s);
    expect(page).toContain('yes, at epoch 3 (2 sessions');

    const fresh = new RunReporter(dir, { info, plannedEpochs: 1, now: clock() });
    fresh.onTrainBegin(undefined, { initialEpoch: 0 });
    fresh.onEpochEnd(0, logs(0));
    await fresh.finish({ preempted: true });
    expect(metricsEpochs(dir)).toEqual([1]);
    expect(readFileSync(html, 'utf8')).toContain('Stopped early by a signal after epoch 1 of 1');
  });

  it('keeps the first session when a run resumes from a checkpoint inside its first epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-mid-epoch-'));
    const first = new RunReporter(dir, { info, plannedEpochs: 2, now: clock() });
    first.onTrainBegin(undefined, { initialEpoch: 0 });
    await first.finish({ preempted: true }); // SIGTERM at step 5 of epoch 1: no epoch finished
    const second = new RunReporter(dir, { info, plannedEpochs: 2, now: clock(), resumedAt: () => ({ epoch: 0, step: 5 }) });
    second.onTrainBegin(undefined, { initialEpoch: 0 });
    second.onEpochEnd(0, logs(0));
    await second.finish({ preempted: false, testAccuracy: 0.8 });
    expect(second.sessions.list.map((s) => s.outcome)).toEqual(['preempted', 'finished']);
    expect(metricsEpochs(dir)).toEqual([1]);
  });

  it('names the chart vega could not draw, as a REPORT_ERROR', async () => {
    const renderer = new ChartRenderer();
    try {
      const bad = renderer.draw('the broken chart', { mark: 'no-such-mark', data: { values: [] } });
      await expect(bad).rejects.toMatchObject({ name: 'ChartRenderError', code: 'REPORT_ERROR', retryable: false });
      await expect(bad).rejects.toThrow(/^Could not draw the broken chart for the --log-dir report: \w*Error: .*the chart spec is at fault/);
      expect((await renderer.draw('a good chart', { mark: 'point', data: { values: [{ x: 1 }] }, encoding: { x: { field: 'x' } } })).svg).toContain('<svg');
    } finally {
      await renderer.close();
    }
  });
});
