/**
 * Small HTML building blocks for report.html: escaping, value formatting that never
 * prints "[object Object]" (objects and arrays become JSON), tables, dates and durations.
 */

/** Escapes text for HTML element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A value as escaped text: integers as they are, other numbers to 4 decimals, objects as JSON, nothing for undefined. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(4);
  if (typeof v === 'string') return esc(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return esc(JSON.stringify(v));
}

/** "85.21%", or "–" when not a number. */
export function percent(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(digits)}%`;
}

/** A number to `digits` decimals, or "–" when not a finite number. */
export function fixed(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** "1 h 02 min 05 s", "3 min 20 s", "4.2 s". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h} h ${pad(m)} min ${pad(s % 60)} s` : `${m} min ${pad(s % 60)} s`;
}

/** "2026-12-07 20:41:05 UTC". */
export function dateTime(d: Date): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** A two-column table of label → HTML (the values are already escaped HTML). */
export function keyValueTable(rows: readonly (readonly [string, string])[], cls = 'kv'): string {
  return `<table class="${cls}">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** A table with a header row; cells are already escaped HTML. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], cls = 'grid'): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  return `<table class="${cls}"><thead>${head}</thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}
