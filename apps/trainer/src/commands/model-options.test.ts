/** --loss / --metrics: fill what a spec leaves unset, replace a preset's loss, refuse a conflict by name. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { resolveLoss } from '@syncline/core';
import { addModelFlags, applyModelFlags, validateModelFlags } from './model-options';
import { loadModelSpec } from './train';

const REGRESSION = { inputShape: [4], layers: [{ type: 'dense', units: 1 }] };

describe('model flags', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'model-flags-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses --loss and --metrics, refusing unknown names', () => {
    const cmd = addModelFlags(new Command())
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    cmd.parse(['--loss', 'meanSquaredError', '--metrics', 'accuracy'], { from: 'user' });
    expect(validateModelFlags(cmd.opts())).toEqual({ loss: 'meanSquaredError', metrics: ['accuracy'] });
    expect(() =>
      addModelFlags(new Command())
        .exitOverride()
        .configureOutput({ writeErr: () => undefined })
        .parse(['--loss', 'hinge'], { from: 'user' }),
    ).toThrow(/--loss must be one of sparseCategoricalCrossentropy, .*meanAbsoluteError, got "hinge"/);
    expect(() =>
      addModelFlags(new Command())
        .exitOverride()
        .configureOutput({ writeErr: () => undefined })
        .parse(['--metrics', 'precision'], { from: 'user' }),
    ).toThrow(/--metrics takes accuracy, topKAccuracy\[:k\].* got "precision"/);
  });

  it('parses issue 17 metrics: names, Keras short names and name:N', () => {
    const parse = (v: string): unknown => {
      const cmd = addModelFlags(new Command())
        .exitOverride()
        .configureOutput({ writeErr: () => undefined });
      cmd.parse(['--metrics', v], { from: 'user' });
      return validateModelFlags(cmd.opts()).metrics;
    };
    expect(parse('accuracy,topKAccuracy,mse,mae')).toEqual(['accuracy', 'topKAccuracy', 'meanSquaredError', 'meanAbsoluteError']);
    expect(parse('topKAccuracy:3, auc:500')).toEqual([
      { name: 'topKAccuracy', k: 3 },
      { name: 'auc', numThresholds: 500 },
    ]);
    expect(parse('auc')).toEqual(['auc']);
    expect(() => parse('topKAccuracy:0')).toThrow(/got "topKAccuracy:0" \(.*\)/);
    expect(() => parse('topKAccuracy:x')).toThrow(/got "topKAccuracy:x"/);
    expect(() => parse('mse:2')).toThrow(/got "mse:2"/);
  });

  it('fills a spec that sets no metrics with the flag and validates it against the output', () => {
    const file = join(dir, 'classifier.json');
    writeFileSync(file, JSON.stringify({ inputShape: [4], layers: [{ type: 'dense', units: 3, activation: 'softmax' }] }));
    expect(loadModelSpec(file, { metrics: ['accuracy', { name: 'topKAccuracy', k: 2 }] }).metrics).toEqual(['accuracy', { name: 'topKAccuracy', k: 2 }]);
    expect(loadModelSpec('mlp', { metrics: ['accuracy', 'meanSquaredError'] }).metrics).toEqual(['accuracy', 'meanSquaredError']);
    expect(() => loadModelSpec(file, { metrics: ['auc'] })).toThrow(/auc on a binary output: the last layer has 3 units/);
  });

  it('fills a spec file that sets no loss, and keeps one that sets the same', () => {
    const file = join(dir, 'regression.json');
    writeFileSync(file, JSON.stringify(REGRESSION));
    expect(resolveLoss(loadModelSpec(file, { loss: 'meanSquaredError' })).name).toBe('meanSquaredError');
    expect(loadModelSpec(file).loss).toBe('sparseCategoricalCrossentropy');
    writeFileSync(file, JSON.stringify({ ...REGRESSION, loss: 'meanAbsoluteError' }));
    expect(resolveLoss(loadModelSpec(file, { loss: 'meanAbsoluteError' })).name).toBe('meanAbsoluteError');
    expect(() => loadModelSpec(file, { loss: 'meanSquaredError' })).toThrow(
      /--loss is "meanSquaredError"; expected the loss .*regression\.json sets \("meanAbsoluteError"\), or no --loss/,
    );
  });

  it("replaces a preset's loss", () => {
    expect(loadModelSpec('mlp', { loss: 'categoricalCrossentropy' }).loss).toBe('categoricalCrossentropy');
    expect(loadModelSpec('cnn').loss).toBe('sparseCategoricalCrossentropy');
  });

  it('refuses metrics that differ from the spec, by name', () => {
    expect(applyModelFlags({ metrics: ['accuracy'] }, { metrics: ['accuracy'] }, 'x.json')).toEqual({ metrics: ['accuracy'] });
    expect(() => applyModelFlags({ metrics: [] }, { metrics: ['accuracy'] }, 'x.json')).toThrow(/--metrics is "accuracy"; expected the metrics x\.json sets/);
  });
});
