/**
 * A self-contained HTML report of a run: summary table, per-epoch table and inline SVG
 * loss/accuracy curves (no scripts, no network), plus the PNG of the same curves.
 */
export interface EpochRow {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly examplesPerSec: number;
  readonly allReduceShare: number;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function svgChart(title: string, series: { name: string; color: string; values: (number | undefined)[] }[]): string {
  const w = 520;
  const h = 240;
  const pad = 40;
  const vals = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const lo = vals.length ? Math.min(...vals) : 0;
  const hi = vals.length ? Math.max(...vals) : 1;
  const span = hi - lo || 1;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i: number): number => pad + ((w - 2 * pad) * i) / (n - 1);
  const y = (v: number): number => h - pad - ((v - lo) / span) * (h - 2 * pad);
  const lines = series
    .map((s) => {
      const pts = s.values.map((v, i) => (v === undefined ? '' : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
      return (
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>` +
        pts.map((p) => `<circle r="3" fill="${s.color}" cx="${p.split(',')[0]}" cy="${p.split(',')[1]}"/>`).join('')
      );
    })
    .join('');
  const legend = series.map((s, i) => `<text x="${pad + i * 140}" y="16" fill="${s.color}">${esc(s.name)}</text>`).join('');
  return (
    `<figure><figcaption>${esc(title)}</figcaption><svg width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">` +
    `<rect width="${w}" height="${h}" fill="white" stroke="#ccc"/>${legend}` +
    `<text x="4" y="${y(hi) + 4}" font-size="10">${hi.toPrecision(3)}</text><text x="4" y="${y(lo)}" font-size="10">${lo.toPrecision(3)}</text>` +
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="black"/>${lines}</svg></figure>`
  );
}

export function renderHtmlReport(summary: Record<string, unknown>, rows: readonly EpochRow[], pngFile?: string): string {
  const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : esc(String(v)));
  const summaryRows = Object.entries(summary)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${fmt(v)}</td></tr>`)
    .join('');
  const epochRows = rows
    .map(
      (r) =>
        `<tr><td>${r.epoch}</td><td>${fmt(r.loss)}</td><td>${fmt(r.accuracy)}</td><td>${r.valAccuracy === undefined ? '' : fmt(r.valAccuracy)}</td><td>${Math.round(r.examplesPerSec)}</td><td>${(100 * r.allReduceShare).toFixed(1)}%</td></tr>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Syncline training report</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}figure{display:inline-block}</style></head><body>
<h1>Syncline training report</h1><table>${summaryRows}</table>
<h2>Curves</h2>
${svgChart('loss', [
  { name: 'train loss', color: '#d62728', values: rows.map((r) => r.loss) },
  { name: 'val loss', color: '#ff9896', values: rows.map((r) => r.valLoss) },
])}
${svgChart('accuracy', [
  { name: 'train accuracy', color: '#1f77b4', values: rows.map((r) => r.accuracy) },
  { name: 'val accuracy', color: '#2ca02c', values: rows.map((r) => r.valAccuracy) },
])}
${pngFile ? `<p><img src="${esc(pngFile)}" alt="loss and accuracy curves" width="600"></p>` : ''}
<h2>Epochs</h2><table><tr><th>epoch</th><th>loss</th><th>accuracy</th><th>val accuracy</th><th>images/s</th><th>all-reduce share</th></tr>${epochRows}</table>
</body></html>
`;
}
