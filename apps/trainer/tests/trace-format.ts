/**
 * A strict check of the Trace Event Format (the JSON object form that chrome://tracing and
 * Perfetto's JSON importer read), used because no maintained trace tool runs offline here:
 * Chromium 156 no longer ships chrome://tracing, and Perfetto's Python TraceProcessor
 * downloads its trace_processor binary from Google storage at first use.
 * Checked: the top level (traceEvents, displayTimeUnit), every event's fields and types for
 * its phase, metadata events, and that complete ("X") events on one thread nest properly
 * (a slice that starts inside another ends inside it), which both viewers need to stack them.
 * Returns the problems found, at most `limit`; an empty list means the file is well formed.
 */
const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'b', 'n', 'e', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M', 'R', 'c']);
const METADATA = new Set(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']);

interface Ev {
  name?: unknown;
  ph?: unknown;
  pid?: unknown;
  tid?: unknown;
  ts?: unknown;
  dur?: unknown;
  cat?: unknown;
  args?: unknown;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function traceFormatProblems(file: unknown, limit = 20): string[] {
  const out: string[] = [];
  const add = (p: string): void => void (out.length < limit && out.push(p));
  if (typeof file !== 'object' || file === null || Array.isArray(file)) return ['top level is not a JSON object'];
  const f = file as { traceEvents?: unknown; displayTimeUnit?: unknown; otherData?: unknown };
  if (!Array.isArray(f.traceEvents)) return ['traceEvents is not an array'];
  if (f.displayTimeUnit !== undefined && f.displayTimeUnit !== 'ms' && f.displayTimeUnit !== 'ns') add(`displayTimeUnit ${String(f.displayTimeUnit)}`);
  if (f.otherData !== undefined && (typeof f.otherData !== 'object' || f.otherData === null)) add('otherData is not an object');
  const slices = new Map<string, { ts: number; end: number; name: string }[]>();
  const named = new Set<string>();
  (f.traceEvents as Ev[]).forEach((e, i) => {
    const at = `event ${i}`;
    if (typeof e !== 'object' || e === null) return add(`${at} is not an object`);
    if (typeof e.name !== 'string' || e.name === '') add(`${at}: name ${JSON.stringify(e.name)}`);
    if (typeof e.ph !== 'string' || !PHASES.has(e.ph)) add(`${at}: ph ${JSON.stringify(e.ph)}`);
    if (!isInt(e.pid) || !isInt(e.tid)) add(`${at}: pid/tid ${JSON.stringify([e.pid, e.tid])} not integers`);
    if (e.cat !== undefined && typeof e.cat !== 'string') add(`${at}: cat is not a string`);
    if (e.args !== undefined && (typeof e.args !== 'object' || e.args === null || Array.isArray(e.args))) add(`${at}: args is not an object`);
    if (e.ph === 'M') {
      if (!METADATA.has(String(e.name))) add(`${at}: unknown metadata ${String(e.name)}`);
      const args = (e.args ?? {}) as Record<string, unknown>;
      if (String(e.name).endsWith('_name') && typeof args['name'] !== 'string') add(`${at}: ${String(e.name)} without args.name`);
      if (String(e.name).endsWith('_sort_index') && !isInt(args['sort_index'])) add(`${at}: ${String(e.name)} without integer args.sort_index`);
      if (String(e.name) === 'thread_name') named.add(`${String(e.pid)}/${String(e.tid)}`);
      return;
    }
    if (!isTime(e.ts)) add(`${at}: ts ${JSON.stringify(e.ts)}`);
    if (e.ph === 'X') {
      if (!isTime(e.dur)) return add(`${at}: dur ${JSON.stringify(e.dur)}`);
      const key = `${String(e.pid)}/${String(e.tid)}`;
      const list = slices.get(key) ?? [];
      list.push({ ts: e.ts as number, end: (e.ts as number) + e.dur, name: String(e.name) });
      slices.set(key, list);
    }
  });
  for (const [thread, list] of slices) {
    if (!named.has(thread)) add(`thread ${thread} has no thread_name`);
    // sorted by start, longer first: each slice must end before its enclosing one does
    list.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const open: { end: number; name: string }[] = [];
    const EPS = 0.002; // µs: rounding to 1 ns on both ends
    for (const s of list) {
      while (open.length && open[open.length - 1]!.end <= s.ts + EPS) open.pop();
      const parent = open[open.length - 1];
      if (parent && s.end > parent.end + EPS) add(`thread ${thread}: "${s.name}" at ${s.ts} ends after its parent "${parent.name}" (${s.end} > ${parent.end})`);
      open.push(s);
    }
  }
  return out;
}
