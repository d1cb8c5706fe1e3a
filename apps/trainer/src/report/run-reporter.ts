/**
 * The callback that writes a run's outputs into --log-dir (chief only): metrics as
 * JSON lines (one per epoch), TensorBoard scalars, and at the end an HTML report with
 * loss/accuracy curves and a PNG of them.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Callback, EpochLogs } from '@syncline/core';
import { renderHtmlReport, type EpochRow } from './html-report';
import { renderCurvesPng } from './line-chart-png';
import { TensorBoardWriter } from './tensorboard-writer';

export class RunReporter implements Callback {
  readonly rows: EpochRow[] = [];
  readonly metricsFile: string;
  readonly #tb: TensorBoardWriter;

  constructor(
    readonly dir: string,
    private readonly summary: () => Record<string, unknown>,
  ) {
    mkdirSync(dir, { recursive: true });
    this.metricsFile = join(dir, 'metrics.jsonl');
    this.#tb = new TensorBoardWriter(join(dir, 'tensorboard'));
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    const row: EpochRow = { epoch: epoch + 1, ...logs };
    this.rows.push(row);
    appendFileSync(this.metricsFile, JSON.stringify({ time: new Date().toISOString(), ...row }) + '\n');
    this.#tb.scalars(epoch + 1, {
      'epoch/loss': logs.loss,
      'epoch/accuracy': logs.accuracy,
      ...(logs.valLoss !== undefined ? { 'epoch/val_loss': logs.valLoss } : {}),
      ...(logs.valAccuracy !== undefined ? { 'epoch/val_accuracy': logs.valAccuracy } : {}),
      'epoch/images_per_sec': logs.examplesPerSec,
      'epoch/allreduce_share': logs.allReduceShare,
    });
  }

  /** Writes report.html and curves.png; call after training (and testing) finished. */
  finish(): { html: string; png: string } {
    const png = join(this.dir, 'curves.png');
    writeFileSync(
      png,
      renderCurvesPng(
        [
          { name: 'loss', values: this.rows.map((r) => r.loss), color: [214, 39, 40] },
          { name: 'val loss', values: this.rows.map((r) => r.valLoss ?? Number.NaN), color: [255, 152, 150] },
        ],
        [
          { name: 'accuracy', values: this.rows.map((r) => r.accuracy), color: [31, 119, 180] },
          { name: 'val accuracy', values: this.rows.map((r) => r.valAccuracy ?? Number.NaN), color: [44, 160, 44] },
        ],
      ),
    );
    const html = join(this.dir, 'report.html');
    writeFileSync(html, renderHtmlReport(this.summary(), this.rows, 'curves.png'));
    return { html, png };
  }
}
