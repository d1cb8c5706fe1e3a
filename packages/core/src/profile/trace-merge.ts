/**
 * Merges the per-worker traces of one run into one file whose clocks agree.
 * 1. The reference is worker 0's trace (the chief).
 * 2. Every step's all-reduce ends at nearly the same instant on every rank (nobody leaves a
 *    sum all-reduce before the last rank's data has arrived), so for each other worker the
 *    clock offset is the median, over the steps both traces hold, of
 *    (chief's all-reduce end - this worker's all-reduce end): a barrier per step.
 * 3. Every timed event of that worker moves onto the chief's time base (otherData.epochBaseMs)
 *    plus its offset; the offsets (µs, beyond what the wall clocks already say) are kept in
 *    otherData.clockOffsetsUs. Workers that share no step with the chief keep their wall clocks.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';
import type { TraceEvent, TraceFile } from './trace-events';

function allReduceEnds(trace: TraceFile): Map<number, number> {
  const ends = new Map<number, number>();
  let tid = Number.POSITIVE_INFINITY;
  for (const e of trace.traceEvents) if (e.name === 'all-reduce' && e.tid < tid) tid = e.tid;
  for (const e of trace.traceEvents) {
    if (e.name !== 'all-reduce' || e.tid !== tid || e.ts === undefined || e.dur === undefined) continue;
    ends.set(Number(e.args?.['step']), e.ts + e.dur);
  }
  return ends;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const baseUs = (t: TraceFile): number => Number(t.otherData['epochBaseMs'] ?? 0) * 1000;

/**
 * µs to add to `trace`'s wall clock so its all-reduce ends meet the reference's (0 if no step
 * is shared). Moving its events onto the reference's time base takes this plus the difference
 * of the two bases.
 */
export function clockOffsetUs(reference: TraceFile, trace: TraceFile): number {
  const ref = allReduceEnds(reference);
  const diffs: number[] = [];
  for (const [step, end] of allReduceEnds(trace)) {
    const r = ref.get(step);
    if (r !== undefined) diffs.push(r - end); // both relative to their own bases
  }
  return diffs.length ? median(diffs) - (baseUs(trace) - baseUs(reference)) : 0;
}

/** One trace of every worker's events on the chief's clock; `traces` holds one per worker. */
export function mergeTraces(traces: readonly TraceFile[]): TraceFile {
  const workerOf = (t: TraceFile): number => Number(t.otherData['worker'] ?? 0);
  const seen = new Set<number>();
  for (const t of traces) {
    if (seen.has(workerOf(t))) throw new InvalidConfigError('trace worker', workerOf(t), 'one trace per worker (two traces claim this worker)');
    seen.add(workerOf(t));
  }
  const reference = traces.find((t) => workerOf(t) === 0) ?? traces[0];
  if (!reference) throw new InvalidConfigError('traces', 0, 'at least one trace to merge');
  let events: TraceEvent[] = [];
  const offsets: Record<string, number> = {};
  for (const t of [...traces].sort((a, b) => workerOf(a) - workerOf(b))) {
    const offset = t === reference ? 0 : Math.round(clockOffsetUs(reference, t) * 1e3) / 1e3;
    offsets[String(workerOf(t))] = offset;
    const shift = offset + baseUs(t) - baseUs(reference);
    for (const e of t.traceEvents) events.push(e.ts === undefined || shift === 0 ? e : { ...e, ts: Math.round((e.ts + shift) * 1e3) / 1e3 });
  }
  // a worker that started before the chief would have negative times: move the base back by whole ms
  const earliest = events.reduce((m, e) => (e.ts === undefined ? m : Math.min(m, e.ts)), 0);
  const backMs = earliest < 0 ? Math.ceil(-earliest / 1000) : 0;
  if (backMs > 0) events = events.map((e) => (e.ts === undefined ? e : { ...e, ts: Math.round((e.ts + backMs * 1000) * 1e3) / 1e3 }));
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      ...reference.otherData,
      epochBaseMs: baseUs(reference) / 1000 - backMs,
      merged: true,
      workers: traces.length,
      clockOffsetsUs: JSON.stringify(offsets),
    },
  };
}
