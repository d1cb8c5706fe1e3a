/**
 * The callback that writes a run's outputs into --log-dir (chief only):
 *   1. onTrainBegin: keeps the history of the epochs before a resume (metrics.jsonl,
 *      sessions.json) and writes a first report.html that reloads itself;
 *   2. each epoch end: appends the epoch to metrics.jsonl, then redraws the charts and
 *      curves.png and rewrites report.html (still reloading) in the background: the chart
 *      worker takes ~0.5 s, which training does not wait for;
 *   3. finish(): the final report.html (results, no reload) and curves.png.
 * Files are replaced by rename, so a browser never reads half a page. TensorBoard events
 * are tensorboard-callback.ts's.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Callback, EpochLogs, ResumePoint } from '@syncline/core';
import { ChartRenderer } from './chart-renderer';
import { METRIC_CHARTS, curvesSpec, metricChartSpec } from './chart-specs';
import { percent } from './html-format';
import { renderHtmlReport, type RunOutcome } from './html-report';
import { describePlacement, type RunInfo } from './run-info';
import { RunHistory, type EpochRow } from './run-history';
import { RunSessions } from './run-sessions';
import { extraMetricCharts, extraMetrics } from './metric-columns';

/** How often the live report.html reloads itself while training runs, seconds. */
export const LIVE_REFRESH_SECONDS = 5;
/** curves.png pixels per chart pixel (a 2x image stays sharp when zoomed or printed). */
const PNG_SCALE = 2;

export interface RunReporterOptions {
  readonly info: RunInfo;
  readonly plannedEpochs: number;
  /** Where BackupAndRestore resumed this run, read at onTrainBegin (it may be inside the first epoch). */
  readonly resumedAt?: () => ResumePoint | undefined;
  /** Clock for dates and wall time (tests pin it). */
  readonly now?: () => Date;
}

export class RunReporter implements Callback {
  readonly history: RunHistory;
  readonly sessions: RunSessions;
  readonly html: string;
  readonly png: string;
  readonly #renderer = new ChartRenderer();
  readonly #now: () => Date;
  #begun = false;
  #rendering: Promise<void> = Promise.resolve();
  #queued = false;
  #failure: unknown;

  constructor(
    readonly dir: string,
    private readonly options: RunReporterOptions,
  ) {
    mkdirSync(dir, { recursive: true });
    this.history = new RunHistory(join(dir, 'metrics.jsonl'));
    this.sessions = new RunSessions(join(dir, 'sessions.json'));
    this.html = join(dir, 'report.html');
    this.png = join(dir, 'curves.png');
    this.#now = options.now ?? (() => new Date());
  }

  get rows(): readonly EpochRow[] {
    return this.history.rows;
  }

  /** Starts this session at 0-based `startEpoch` (BackupAndRestore's resume point; 0 for a fresh run). */
  begin(startEpoch: number, resumed = startEpoch > 0): void {
    this.history.begin(startEpoch);
    this.sessions.begin(startEpoch, this.options.info.command, this.#now(), resumed);
    this.#begun = true;
  }

  onTrainBegin(_ctx: unknown, info: { initialEpoch: number }): void {
    const at = this.options.resumedAt?.();
    this.begin(info.initialEpoch, info.initialEpoch > 0 || (at !== undefined && (at.epoch > 0 || at.step > 0)));
    this.#refresh();
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    if (this.#failure !== undefined) throw this.#failure; // a live redraw failed: stop here, not hours later
    if (!this.#begun) this.begin(epoch);
    const now = this.#now();
    const row: EpochRow = {
      epoch: epoch + 1,
      loss: logs.loss,
      accuracy: logs.accuracy,
      ...(logs.valLoss !== undefined ? { valLoss: logs.valLoss } : {}),
      ...(logs.valAccuracy !== undefined ? { valAccuracy: logs.valAccuracy } : {}),
      examplesPerSec: logs.examplesPerSec,
      allReduceShare: logs.allReduceShare,
      time: now.toISOString(),
      ...Object.fromEntries(extraMetrics(logs)),
    };
    this.history.add(row);
    this.sessions.touch(now);
    this.#refresh();
  }

  /** Waits for the live redraws in flight; rejects with the first that failed. */
  async flush(): Promise<void> {
    await this.#rendering;
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Writes the final report.html (with `outcome`, no reload) and curves.png, and stops the chart worker. */
  async finish(outcome: RunOutcome): Promise<{ html: string; png: string }> {
    if (!this.#begun) this.begin(0);
    this.sessions.touch(this.#now(), outcome.preempted ? 'preempted' : 'finished');
    try {
      await this.flush();
      await this.#write(outcome);
    } finally {
      await this.#renderer.close();
    }
    return { html: this.html, png: this.png };
  }

  /** Stops the chart worker without a final report (training failed). */
  async close(): Promise<void> {
    await this.#renderer.close();
  }

  /**
   * Redraws the live report in the background, so training never waits for the charts:
   * one redraw runs at a time and at most one more waits (it draws the newest rows).
   */
  #refresh(): void {
    if (this.#queued) return;
    this.#queued = true;
    this.#rendering = this.#rendering.then(async () => {
      this.#queued = false;
      try {
        await this.#write(undefined);
      } catch (e) {
        this.#failure ??= e;
      }
    });
  }

  async #write(outcome: RunOutcome | undefined): Promise<void> {
    const { info, plannedEpochs } = this.options;
    const rows = [...this.history.rows];
    const charts = await Promise.all(
      [...METRIC_CHARTS, ...extraMetricCharts(rows)].map(async (m) => ({
        key: m.key,
        svg: (await this.#renderer.draw(`the ${m.key} chart`, metricChartSpec(m, rows))).svg,
      })),
    );
    const done = rows.length ? rows[rows.length - 1]!.epoch : 0;
    const state = !outcome
      ? `epoch ${done} of ${plannedEpochs} (training)`
      : outcome.preempted
        ? `stopped after epoch ${done} of ${plannedEpochs}`
        : `test accuracy ${percent(outcome.testAccuracy, 1)}`;
    const subtitle = [info.model.name, describePlacement(info), `backend ${info.backend}`, `seed ${info.seed}`, state].join(' · ');
    const curves = await this.#renderer.draw('curves.png', curvesSpec(rows, 'Syncline training curves: loss and accuracy per epoch', subtitle), {
      scale: PNG_SCALE,
    });
    replaceFile(this.png, curves.png!);
    const now = this.#now();
    const page = renderHtmlReport({
      info,
      rows,
      plannedEpochs,
      charts,
      sessions: this.sessions.list,
      now,
      wallSeconds: this.sessions.wallSeconds(now),
      ...(outcome ? { outcome } : { refreshSeconds: LIVE_REFRESH_SECONDS }),
      files: { curvesPng: 'curves.png', metrics: 'metrics.jsonl', tensorboardDir: 'tensorboard' },
    });
    replaceFile(this.html, page);
  }
}

function replaceFile(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
