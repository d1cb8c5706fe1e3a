/**
 * Vega-Lite specs of the report's charts (pure data; chart-renderer.ts draws them):
 * one chart per metric with validation beside training, epoch ticks on x, a y axis
 * that fits the data, a legend and a title; and the two-panel loss/accuracy figure
 * that becomes curves.png.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { EpochRow } from './run-history';

/** One metric the report charts; `validation` is absent for metrics validation has no counterpart of. */
export interface MetricChart {
  /** Stable id, used as the chart's element id in report.html ("chart-loss"). */
  readonly key: string;
  readonly title: string;
  readonly axisTitle: string;
  /** d3-format of the y axis labels. */
  readonly format: string;
  /** Whether the y axis starts at zero (rates do; loss and accuracy fit their data). */
  readonly zero: boolean;
  readonly training: (r: EpochRow) => number | undefined;
  readonly validation?: (r: EpochRow) => number | undefined;
}

export const METRIC_CHARTS: readonly MetricChart[] = [
  { key: 'loss', title: 'Loss', axisTitle: 'loss (cross-entropy)', format: '.3~f', zero: false, training: (r) => r.loss, validation: (r) => r.valLoss },
  { key: 'accuracy', title: 'Accuracy', axisTitle: 'accuracy', format: '.1~%', zero: false, training: (r) => r.accuracy, validation: (r) => r.valAccuracy },
  { key: 'images-per-sec', title: 'Training throughput', axisTitle: 'images/s', format: ',.0f', zero: true, training: (r) => r.examplesPerSec },
  {
    key: 'allreduce-share',
    title: 'All-reduce share of step time',
    axisTitle: 'share of step time',
    format: '.0%',
    zero: true,
    training: (r) => r.allReduceShare,
  },
];

export const SERIES = { training: 'training', validation: 'validation' } as const;
/** Epoch axes list every epoch up to this many, then let the axis choose (whole epochs only). */
const MAX_LISTED_EPOCHS = 25;
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const COLORS = ['#1f77b4', '#ff7f0e'];
const DASHES = [
  [1, 0],
  [6, 3],
];
const LEGEND = { orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 400 };

interface Point {
  readonly epoch: number;
  readonly series: string;
  readonly value: number;
}

function points(m: MetricChart, rows: readonly EpochRow[]): Point[] {
  const out: Point[] = [];
  for (const r of rows) {
    const t = m.training(r);
    if (t !== undefined && Number.isFinite(t)) out.push({ epoch: r.epoch, series: SERIES.training, value: t });
    const v = m.validation?.(r);
    if (v !== undefined && Number.isFinite(v)) out.push({ epoch: r.epoch, series: SERIES.validation, value: v });
  }
  return out;
}

/** A single-view layer spec (no config): a line per series with a point at every epoch. */
function panel(m: MetricChart, rows: readonly EpochRow[], size: { width: number; height: number }, subtitle?: string) {
  const last = rows.reduce((a, r) => Math.max(a, r.epoch), 1);
  const epochs = Array.from({ length: last }, (_, i) => i + 1);
  const series = m.validation ? [SERIES.training, SERIES.validation] : [SERIES.training];
  return {
    title: { text: m.title, ...(subtitle ? { subtitle } : {}), anchor: 'start' as const },
    ...size,
    data: { values: points(m, rows) },
    mark: { type: 'line' as const, point: { size: 40 }, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative' as const,
        title: 'epoch',
        scale: { domain: [0.5, last + 0.5], nice: false },
        axis: { format: 'd', tickMinStep: 1, grid: false, ...(last <= MAX_LISTED_EPOCHS ? { values: epochs } : {}) },
      },
      y: {
        field: 'value',
        type: 'quantitative' as const,
        title: m.axisTitle,
        scale: { zero: m.zero, nice: true },
        axis: { format: m.format, labelFlush: true },
      },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale: { domain: series, range: COLORS.slice(0, series.length) },
        legend: LEGEND,
      },
      // The same legend as colour: vega-lite merges the two, so the legend shows the dashes too.
      strokeDash: { field: 'series', type: 'nominal' as const, title: null, scale: { domain: series, range: DASHES.slice(0, series.length) }, legend: LEGEND },
    },
  };
}

const CONFIG = { font: FONT, background: 'white', view: { stroke: '#ddd' }, title: { fontSize: 15, subtitleColor: '#555' } };

/** The chart of one metric for report.html. */
export function metricChartSpec(m: MetricChart, rows: readonly EpochRow[]): TopLevelSpec {
  const subtitle = rows.length === 0 ? 'no epoch has finished yet' : m.validation ? 'training and validation, per epoch' : 'per epoch';
  return { ...panel(m, rows, { width: 420, height: 220 }, subtitle), config: CONFIG };
}

/** curves.png: loss and accuracy side by side under one title, with a shared legend. */
export function curvesSpec(rows: readonly EpochRow[], title: string, subtitle: string): TopLevelSpec {
  const [loss, accuracy] = ['loss', 'accuracy'].map((k) => METRIC_CHARTS.find((m) => m.key === k)!);
  return {
    title: { text: title, subtitle, anchor: 'start', fontSize: 18 },
    hconcat: [panel(loss!, rows, { width: 340, height: 240 }), panel(accuracy!, rows, { width: 340, height: 240 })],
    resolve: { legend: { color: 'shared', strokeDash: 'shared' } },
    spacing: 60,
    bounds: 'flush',
    config: CONFIG,
  };
}
