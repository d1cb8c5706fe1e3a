/** The report's pure parts: history de-duplication, run facts, value formatting, model summary, running means. */
import { presetModelSpec } from '@syncline/core';
import { RunningMean } from './console-progress';
import { duration, formatValue } from './html-format';
import { formatShape, summarizeModel } from './model-summary';
import { historyUpTo } from './run-history';
import { commandLine, describePlacement, flagsOf } from './run-info';

describe('report parts', () => {
  it('reads metrics.jsonl back: epochs up to the resume point, the last line of each winning, torn lines skipped', () => {
    const line = (epoch: number, loss: number): string => JSON.stringify({ epoch, loss, accuracy: 0.5, examplesPerSec: 1, allReduceShare: 0 });
    const text = [line(1, 0.9), line(2, 0.8), line(2, 0.7), line(3, 0.6), '{"epoch": 4, "lo', ''].join('\n');
    expect(historyUpTo(text, 2).map((r) => [r.epoch, r.loss])).toEqual([
      [1, 0.9],
      [2, 0.7],
    ]);
    expect(historyUpTo(text, 10).map((r) => r.epoch)).toEqual([1, 2, 3]);
  });

  it('spells out replicas and workers', () => {
    expect(describePlacement({ replicas: 2, workers: 1, replicaKind: 'threads' })).toBe('2 replicas on 1 worker (threads)');
    expect(describePlacement({ replicas: 8, workers: 2, replicaKind: 'processes' })).toBe('8 replicas on 2 workers (4 per worker, processes)');
    expect(describePlacement({ replicas: 1, workers: 1, replicaKind: 'PJRT devices' })).toBe('1 replica on 1 worker (PJRT devices)');
  });

  it('writes the command line as typed, quoting what a shell would split', () => {
    expect(commandLine(['/usr/bin/node', '/x/apps/trainer/bin/syncline.cjs', 'train', '--model', 'my spec.json'])).toBe(
      "syncline train --model 'my spec.json'",
    );
    expect(commandLine(['/usr/bin/node', '/x/bench.js', '--n', '2'])).toBe('node /x/bench.js --n 2');
  });

  it('names flags as typed and never prints [object Object]', () => {
    expect(flagsOf({ globalBatch: 64, logDir: undefined, replicasGiven: true, tls: { certFile: 'c.pem' }, dataFlags: {} }, ['replicasGiven'])).toEqual({
      '--global-batch': 64,
      '--tls.cert-file': 'c.pem',
    });
    expect(formatValue({ certFile: 'c.pem' })).toBe('{&quot;certFile&quot;:&quot;c.pem&quot;}');
    expect(formatValue([{ a: 1 }])).not.toContain('[object');
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(duration(3725)).toBe('1 h 02 min 05 s');
  });

  it('summarizes a model: layers, output shapes, parameters', () => {
    const s = summarizeModel(presetModelSpec('cnn'), 'cnn');
    expect(s.layers.map((l) => l.name)).toEqual(['conv2d_0', 'maxpool2d_0', 'conv2d_1', 'maxpool2d_1', 'flatten_0', 'dense_0', 'dense_1']);
    expect(s.layers[0]).toMatchObject({ description: 'conv2d 32 3x3 valid, relu', outputShape: [26, 26, 32], params: 320 });
    expect(s.totalParams).toBe(s.layers.reduce((a, l) => a + l.params, 0));
    expect(formatShape([13, 13, 32])).toBe('(batch, 13, 13, 32)');
  });

  it('averages loss and accuracy over the examples seen so far, as Keras does', () => {
    const m = new RunningMean();
    expect(Number.isNaN(m.loss)).toBe(true);
    m.add({ loss: 1, accuracy: 0.5, examples: 64 });
    m.add({ loss: 0.5, accuracy: 1, examples: 64 });
    m.add({ loss: 0.25, accuracy: 1, examples: 128 });
    expect(m.loss).toBeCloseTo((64 + 32 + 32) / 256);
    expect(m.accuracy).toBeCloseTo((32 + 64 + 128) / 256);
  });
});
