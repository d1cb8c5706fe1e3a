/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 *
 * `syncline train --metrics accuracy,topKAccuracy:3,mse` end to end, in process (runTrain,
 * 2 thread replicas on onnx, the Fashion-MNIST sample): the --json result carries the
 * metrics per epoch (training and validation) and on the test split, metrics.jsonl keeps
 * the log keys, report.html charts both and lists them in its epoch table, and the TensorBoard train and validation runs hold
 * epoch_top_k_accuracy and epoch_mse, as Keras names them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent } from '../src/report/tensorboard-proto';
import { SAMPLE_DIR } from './helpers';
import { trainInProcess } from './train-in-process';

/** Scalar tags in a TensorBoard run directory's event file (TFRecord framing: length, crc, data, crc). */
function scalarTags(dir: string): Set<string> {
  const file = readdirSync(dir).find((f) => f.startsWith('events.out.tfevents'))!;
  const buf = readFileSync(join(dir, file));
  const tags = new Set<string>();
  for (let o = 0; o < buf.length;) {
    const len = Number(buf.readBigUInt64LE(o));
    const event = decodeEvent(buf.subarray(o + 12, o + 12 + len)) as { summary?: { value: { tag: string }[] } };
    for (const v of event.summary?.value ?? []) tags.add(v.tag);
    o += 16 + len;
  }
  return tags;
}

describe('--metrics through syncline train', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metrics-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports top-3 accuracy and mse in --json, metrics.jsonl, report.html and TensorBoard', async () => {
    const r = await trainInProcess({
      data: SAMPLE_DIR,
      epochs: 1,
      seed: 1,
      timeoutMs: 60_000,
      logDir: join(dir, 'logs'),
      logEvery: 0,
      metrics: ['accuracy', { name: 'topKAccuracy', k: 3 }, 'meanSquaredError'],
    });
    const epoch = r.history[0]!;
    for (const k of ['topKAccuracy', 'mse', 'valTopKAccuracy', 'valMse']) expect(typeof epoch[k]).toBe('number');
    expect(epoch.topKAccuracy!).toBeGreaterThanOrEqual(epoch.accuracy!);
    expect(epoch.mse!).toBeGreaterThan(0);
    expect(epoch.mse!).toBeLessThan(0.2); // mean over 10 units of (p - onehot)^2 is at most 0.2
    expect(r.testMetrics?.topKAccuracy).toBeGreaterThanOrEqual(r.testAccuracy);
    expect(r.testMetrics?.mse).toBeGreaterThan(0);
    const line = JSON.parse(
      readFileSync(join(dir, 'logs', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')[0]!,
    ) as Record<string, number>;
    expect(line).toMatchObject({ topKAccuracy: epoch.topKAccuracy, mse: epoch.mse, valTopKAccuracy: epoch.valTopKAccuracy, valMse: epoch.valMse });
    const html = readFileSync(join(dir, 'logs', 'report.html'), 'utf8');
    for (const chart of ['top-k-accuracy', 'mse']) expect(html).toContain(`data-metric="${chart}"`);
    // The epoch table has a column per extra metric, with the epoch's values.
    for (const column of ['top k accuracy', 'mse', 'val top k accuracy', 'val mse']) expect(html).toContain(`<th>${column}</th>`);
    expect(html).toContain(`<td>${(100 * epoch.topKAccuracy!).toFixed(2)}%</td>`);
    expect(html).toContain(`<td>${epoch.mse!.toFixed(4)}</td>`);
    for (const run of ['train', 'validation']) {
      const tags = scalarTags(join(dir, 'logs', 'tensorboard', run));
      expect([run, tags.has('epoch_top_k_accuracy'), tags.has('epoch_mse')]).toEqual([run, true, true]);
    }
  }, 120_000);
});
