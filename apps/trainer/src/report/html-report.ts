/**
 * report.html: a self-contained page (inline SVG charts, no scripts, no network) with
 * what ran (command, placement, model, seed, commit, dates, wall time), the results,
 * one chart per metric, the full epoch history, the model summary and every flag.
 * While training runs it carries a meta refresh so an open tab follows the run.
 */
import { describePlacement, type RunInfo } from './run-info';
import type { EpochRow } from './run-history';
import { EXTRA_METRIC_KEYS, kerasName, type ExtraMetricKey } from './metric-columns';
import type { RunSession } from './run-sessions';
import { formatShape } from './model-summary';
import { dateTime, duration, esc, fixed, formatValue, keyValueTable, percent, table } from './html-format';

/** How a finished run ended, for the results table. */
export interface RunOutcome {
  readonly preempted: boolean;
  readonly testAccuracy?: number;
  readonly testLoss?: number;
  readonly trainImagesPerSec?: number;
  readonly weightsSha256?: string;
  /** Extra results (label → value), e.g. "weight update": "sharded". */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface ReportPage {
  readonly info: RunInfo;
  readonly rows: readonly EpochRow[];
  readonly plannedEpochs: number;
  /** One per metric, in order; `svg` is the chart as vega drew it. */
  readonly charts: readonly { readonly key: string; readonly svg: string }[];
  readonly sessions: readonly RunSession[];
  readonly now: Date;
  readonly wallSeconds: number;
  /** Set while training runs: the page reloads itself this often. */
  readonly refreshSeconds?: number;
  /** Set when the run is over. */
  readonly outcome?: RunOutcome;
  /** Paths shown and linked, relative to the report. */
  readonly files: { readonly curvesPng: string; readonly metrics: string; readonly tensorboardDir: string };
}

const STYLE = `body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:1.5em 2em;color:#222;max-width:1400px}
h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ddd;padding:3px 8px}
table.kv th{text-align:left;background:#f6f6f6;font-weight:600;white-space:nowrap}table.kv td{text-align:left}
table.grid th{background:#f6f6f6}table.grid td{text-align:right;font-variant-numeric:tabular-nums}
code{background:#f3f3f3;padding:1px 4px;border-radius:3px;word-break:break-all}
.status{display:inline-block;padding:4px 10px;border-radius:4px;margin:.3em 0}.running{background:#fff4d6}.finished{background:#e3f4e1}.preempted{background:#fde2e1}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure.chart{margin:0;border:1px solid #eee;padding:4px}`;

function statusLine(p: ReportPage): string {
  const done = p.rows.length ? Math.max(...p.rows.map((r) => r.epoch)) : 0;
  if (!p.outcome) {
    return `<p class="status running">Training: ${done} of ${p.plannedEpochs} epochs finished. This page reloads every ${p.refreshSeconds ?? 0} s while the run goes on (updated ${esc(dateTime(p.now))}).</p>`;
  }
  if (p.outcome.preempted) {
    return `<p class="status preempted">Stopped early by a signal after epoch ${done} of ${p.plannedEpochs} (a checkpoint was written); rerun the same command to resume.</p>`;
  }
  return `<p class="status finished">Finished: ${done} of ${p.plannedEpochs} epochs, ${esc(dateTime(p.now))}.</p>`;
}

function runTable(p: ReportPage): string {
  const { info } = p;
  const first = p.sessions[0];
  const last = p.sessions[p.sessions.length - 1];
  const resumed = p.sessions.length > 1 && last ? `yes, at epoch ${last.firstEpoch} (${p.sessions.length} sessions, see below)` : 'no';
  return keyValueTable([
    ['command', `<code>${esc(info.command)}</code>`],
    ['replicas', esc(describePlacement(info))],
    ['strategy', esc(info.strategy)],
    ['backend', esc(info.backend)],
    ['model', `${esc(info.model.name)}: ${info.model.layers.length} layers, ${info.model.totalParams.toLocaleString('en-US')} parameters`],
    ['optimizer', esc(info.model.optimizer)],
    ['seed', String(info.seed)],
    ['epochs', `${p.rows.length ? Math.max(...p.rows.map((r) => r.epoch)) : 0} of ${p.plannedEpochs}`],
    ['started', first ? esc(dateTime(new Date(first.start))) : '–'],
    ['ended', p.outcome ? esc(dateTime(p.now)) : 'still running'],
    ['wall time', `${esc(duration(p.wallSeconds))}${p.sessions.length > 1 ? ' (all sessions)' : ''}`],
    ['resumed', resumed],
    ['git commit', info.gitCommit ? `<code>${esc(info.gitCommit)}</code>` : 'none (not a git checkout)'],
    ['working directory', `<code>${esc(info.cwd)}</code>`],
  ]);
}

function resultsTable(o: RunOutcome): string {
  return keyValueTable([
    ['test accuracy', percent(o.testAccuracy)],
    ['test loss', fixed(o.testLoss)],
    ['training images/s (mean of epochs)', o.trainImagesPerSec === undefined ? '–' : Math.round(o.trainImagesPerSec).toLocaleString('en-US')],
    ...Object.entries(o.extra ?? {}).map(([k, v]) => [k, formatValue(v)] as const),
    ['weights sha256', o.weightsSha256 ? `<code>${esc(o.weightsSha256)}</code>` : '–'],
  ]);
}

/** The epoch table: the standard columns, then each extra metric some row logged (Keras' names; rates as percentages). */
function epochTable(rows: readonly EpochRow[]): string {
  const extra = EXTRA_METRIC_KEYS.filter((k) => rows.some((r) => typeof r[k] === 'number'));
  const show = (k: ExtraMetricKey, v: number | undefined): string => (/accuracy|auc/i.test(k) ? percent(v) : fixed(v));
  return table(
    [
      'epoch',
      'loss',
      'accuracy',
      'val loss',
      'val accuracy',
      ...extra.map((k) => kerasName(k).replace(/_/g, ' ')),
      'images/s',
      'all-reduce share',
      'finished at',
    ],
    rows.map((r) => [
      String(r.epoch),
      fixed(r.loss),
      percent(r.accuracy),
      fixed(r.valLoss),
      percent(r.valAccuracy),
      ...extra.map((k) => show(k, r[k])),
      Number.isFinite(r.examplesPerSec) ? Math.round(r.examplesPerSec).toLocaleString('en-US') : '–',
      percent(r.allReduceShare, 1),
      r.time ? esc(dateTime(new Date(r.time))) : '',
    ]),
  );
}

function modelTable(info: RunInfo): string {
  const m = info.model;
  return (
    `<p>Input ${esc(formatShape(m.inputShape))}; ${m.totalParams.toLocaleString('en-US')} trainable parameters.</p>` +
    table(
      ['#', 'layer', 'type', 'output shape', 'parameters'],
      [
        ...m.layers.map((l, i) => [String(i), esc(l.name), esc(l.description), esc(formatShape(l.outputShape)), l.params.toLocaleString('en-US')]),
        ['', '<b>total</b>', '', '', `<b>${m.totalParams.toLocaleString('en-US')}</b>`],
      ],
    )
  );
}

function sessionsTable(sessions: readonly RunSession[]): string {
  return table(
    ['session', 'first epoch', 'started', 'ended', 'how', 'command'],
    sessions.map((s, i) => [
      String(i + 1),
      String(s.firstEpoch),
      esc(dateTime(new Date(s.start))),
      s.end ? esc(dateTime(new Date(s.end))) : '',
      esc(s.outcome ?? (i === sessions.length - 1 ? 'running' : 'interrupted')),
      `<code>${esc(s.command)}</code>`,
    ]),
  );
}

/** The whole page. */
export function renderHtmlReport(p: ReportPage): string {
  const refresh = p.refreshSeconds ? `<meta http-equiv="refresh" content="${p.refreshSeconds}">` : '';
  const charts = p.charts.map((c) => `<figure class="chart" id="chart-${esc(c.key)}" data-metric="${esc(c.key)}">${c.svg}</figure>`).join('\n');
  const f = p.files;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${refresh}<title>Syncline training report: ${esc(p.info.model.name)}</title>
<style>${STYLE}</style></head><body>
<h1>Syncline training report</h1>
${statusLine(p)}
<h2>Run</h2>
${runTable(p)}
${p.outcome ? `<h2>Results</h2>\n${resultsTable(p.outcome)}` : ''}
<h2>Charts</h2>
<div class="charts">
${charts}
</div>
<h2>Epochs</h2>
${p.rows.length ? epochTable(p.rows) : '<p>No epoch has finished yet.</p>'}
<h2>Model</h2>
${modelTable(p.info)}
<h2>Flags</h2>
${keyValueTable(Object.entries(p.info.flags).map(([k, v]) => [k, formatValue(v)] as const))}
${p.sessions.length > 1 ? `<h2>Sessions</h2>\n<p>The run was interrupted and resumed; the history above covers every session.</p>\n${sessionsTable(p.sessions)}` : ''}
<h2>Files</h2>
<ul><li><a href="${esc(f.curvesPng)}">${esc(f.curvesPng)}</a>: loss and accuracy as one image</li>
<li><a href="${esc(f.metrics)}">${esc(f.metrics)}</a>: one JSON line per epoch</li>
<li>${esc(f.tensorboardDir)}/train and ${esc(f.tensorboardDir)}/validation: TensorBoard runs (<code>tensorboard --logdir ${esc(f.tensorboardDir)}</code> in this folder)</li></ul>
</body></html>
`;
}
