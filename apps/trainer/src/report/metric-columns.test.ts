// Issue 17's metrics reach the reports under their names: Keras snake_case columns in the
// console table, the log keys in metrics.jsonl (read back on resume), nothing extra for
// an accuracy-only run.
import type { EpochLogs } from '@syncline/core';
import { ConsoleProgress } from './console-progress';
import { extraMetricCharts, extraMetrics, kerasName } from './metric-columns';
import { parseEpochLine } from './run-history';

const LOGS: EpochLogs = {
  loss: 0.5,
  accuracy: 0.8,
  valLoss: 0.6,
  valAccuracy: 0.75,
  examplesPerSec: 100,
  allReduceShare: 0.1,
  mse: 0.125,
  auc: 0.9,
  valAuc: 0.875,
};

function tableOf(logs: EpochLogs): string[] {
  let text = '';
  const out = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  new ConsoleProgress(true, 1, out).onEpochEnd(0, logs);
  return text.trimEnd().split('\n');
}

describe('metric columns', () => {
  it('names the metrics as Keras does', () => {
    expect(['topKAccuracy', 'mse', 'valMae', 'valAuc'].map(kerasName)).toEqual(['top_k_accuracy', 'mse', 'val_mae', 'val_auc']);
    expect(extraMetrics(LOGS)).toEqual([
      ['mse', 0.125],
      ['auc', 0.9],
      ['valAuc', 0.875],
    ]);
  });

  it('adds one console column per metric, training then validation', () => {
    const [header, row] = tableOf(LOGS);
    expect(header).toMatch(/allreduce\s+mse\s+auc\s+val_auc$/);
    expect(row).toMatch(/%\s+0\.1250\s+0\.9000\s+0\.8750$/);
    const [plainHeader] = tableOf({ loss: 0.5, accuracy: 0.8, examplesPerSec: 100, allReduceShare: 0.1 });
    expect(plainHeader).toBe('epoch      loss  accuracy  val_acc   images/s  allreduce');
  });

  it('keeps the metrics in a metrics.jsonl line read back', () => {
    const row = parseEpochLine(JSON.stringify({ epoch: 1, ...LOGS, topKAccuracy: 0.95 }));
    expect(row).toMatchObject({ mse: 0.125, auc: 0.9, valAuc: 0.875, topKAccuracy: 0.95 });
    expect(parseEpochLine(JSON.stringify({ epoch: 1, loss: 1, accuracy: 0.5 }))).not.toHaveProperty('mse');
  });

  it('charts each extra metric a run logged in report.html, none for accuracy only', () => {
    const rows = [parseEpochLine(JSON.stringify({ epoch: 1, ...LOGS }))!];
    const charts = extraMetricCharts(rows);
    expect(charts.map((c) => c.key)).toEqual(['mse', 'auc']);
    expect([charts[1]!.training(rows[0]!), charts[1]!.validation!(rows[0]!)]).toEqual([0.9, 0.875]);
    expect(extraMetricCharts([parseEpochLine(JSON.stringify({ epoch: 1, loss: 1, accuracy: 0.5 }))!])).toEqual([]);
  });
});
