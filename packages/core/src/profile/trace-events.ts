/**
 * Builds a Chrome trace / Perfetto JSON (the Trace Event Format's JSON object form) from a
 * timeline's number columns. Layout: pid = the worker's rank, tid = the replica's global
 * rank, plus one "coordinator" thread per worker. Every replica step is an "X" (complete)
 * event `step N` holding its phases, back to back:
 *   data wait (split around any checkpoint or validation the coordinator ran before it) |
 *   forward+backward | gradient copy | all-reduce [wait for slowest rank | transfer] | optimizer
 * so the children of a step sum to its duration. Times are µs after otherData.epochBaseMs
 * (whole ms since the Unix epoch, on the replicas' wall clocks): small numbers keep
 * sub-µs precision, which µs since 1970 in a double would not. trace-merge.ts aligns
 * workers on different hosts.
 */
import type { PhaseStore } from './phase-store';

/** Coordinator spans, in the order their codes are stored. */
export const SPAN_NAMES = ['checkpoint', 'validation', 'callbacks'] as const;
/** tid of each worker's coordinator thread (replicas use their global rank). */
export const COORDINATOR_TID = 1_000_000;

export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly args?: Readonly<Record<string, string | number>>;
}

export interface TraceFile {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Readonly<Record<string, string | number | boolean>>;
}

export interface TimelineData {
  readonly worker: number;
  readonly workers: number;
  readonly steps: PhaseStore;
  readonly spans: PhaseStore;
  readonly groups: PhaseStore;
}

/** ms after the base to µs, kept to 1 ns. */
const us = (ms: number): number => Math.round(ms * 1e6) / 1e3;

/** The whole ms at or before every time the timeline holds. */
function baseMs(data: TimelineData): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < data.steps.rows; i++) min = Math.min(min, data.steps.at(i, 2));
  for (let i = 0; i < data.spans.rows; i++) min = Math.min(min, data.spans.at(i, 2));
  for (let i = 0; i < data.groups.rows; i++) min = Math.min(min, data.groups.at(i, 2));
  return Number.isFinite(min) ? Math.floor(min) : 0;
}

function meta(pid: number, tid: number, name: string, args: Record<string, string | number>): TraceEvent {
  return { name, ph: 'M', pid, tid, args };
}

/**
 * The trace of one worker. With `sink`, each event goes there as it is made (TraceWriter
 * streams them to disk) and the returned traceEvents is empty.
 */
export function buildTraceEvents(data: TimelineData, info: Readonly<Record<string, string | number | boolean>>, sink?: (e: TraceEvent) => void): TraceFile {
  const pid = data.worker;
  const base = baseMs(data);
  const kept: TraceEvent[] = [];
  const ev = { push: sink ? (...es: TraceEvent[]) => es.forEach(sink) : (...es: TraceEvent[]) => void kept.push(...es) };
  ev.push(
    meta(pid, COORDINATOR_TID, 'process_name', { name: `worker ${pid}` }),
    meta(pid, COORDINATOR_TID, 'process_sort_index', { sort_index: pid }),
    meta(pid, COORDINATOR_TID, 'thread_name', { name: `coordinator (worker ${pid})` }),
    meta(pid, COORDINATOR_TID, 'thread_sort_index', { sort_index: -1 }),
  );
  const x = (name: string, cat: string, tid: number, startMs: number, durMs: number, args?: Record<string, string | number>): void => {
    if (durMs <= 0) return;
    ev.push({ name, cat, ph: 'X', pid, tid, ts: us(startMs), dur: us(startMs + durMs) - us(startMs), ...(args ? { args } : {}) });
  };
  // checkpoint and validation spans, by the step they delayed
  const before = new Map<number, { name: string; start: number; dur: number }[]>();
  const { spans, steps, groups } = data;
  for (let i = 0; i < spans.rows; i++) {
    const name = SPAN_NAMES[spans.at(i, 0)] ?? 'callbacks';
    const [step, start, dur] = [spans.at(i, 1), spans.at(i, 2) - base, spans.at(i, 3)];
    x(name, 'coordinator', COORDINATOR_TID, start, dur, { beforeStep: step });
    if (name === 'callbacks') continue;
    const list = before.get(step) ?? [];
    list.push({ name, start, dur });
    before.set(step, list);
  }
  const replicas = new Set<number>();
  for (let i = 0; i < steps.rows; i++) {
    const [step, replica, start, wait, fb, other, ar, peer, opt, bytes] = Array.from({ length: 10 }, (_, c) => steps.at(i, c) - (c === 2 ? base : 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!replicas.has(replica)) {
      replicas.add(replica);
      ev.push(meta(pid, replica, 'thread_name', { name: `replica ${replica}` }), meta(pid, replica, 'thread_sort_index', { sort_index: replica }));
    }
    const total = wait + fb + other + ar + opt;
    x(`step ${step}`, 'step', replica, start, total, { step, replica, worker: pid });
    // the data wait, with the coordinator's checkpoint / validation cut out of it where they fell
    let t = start;
    const gapEnd = start + wait;
    for (const s of (before.get(step) ?? []).sort((a, b) => a.start - b.start)) {
      const from = Math.max(t, s.start);
      const to = Math.min(gapEnd, s.start + s.dur);
      if (to <= from) continue;
      x('data wait', 'phase', replica, t, from - t);
      x(s.name, 'phase', replica, from, to - from, { step });
      t = to;
    }
    x('data wait', 'phase', replica, t, gapEnd - t);
    t = gapEnd;
    x('forward+backward', 'phase', replica, t, fb);
    x('gradient copy', 'phase', replica, (t += fb), other);
    x('all-reduce', 'collective', replica, (t += other), ar, { step, bytes });
    x('wait for slowest rank', 'collective', replica, t, Math.min(peer, ar));
    x('transfer', 'collective', replica, t + Math.min(peer, ar), ar - Math.min(peer, ar), { bytes });
    x('optimizer', 'phase', replica, (t += ar), opt);
  }
  // the coordinator's own measure of each step: from the previous group's end to this one's
  let prevEnd = Number.NaN;
  for (let i = 0; i < groups.rows; i++) {
    const [first, last, end] = [groups.at(i, 0), groups.at(i, 1), groups.at(i, 2) - base];
    if (Number.isFinite(prevEnd)) {
      const name = first === last ? `step ${first}` : `steps ${first}-${last}`;
      x(name, 'coordinator-step', COORDINATOR_TID, prevEnd, end - prevEnd, { firstStep: first, lastStep: last });
    }
    prevEnd = end;
  }
  return { traceEvents: kept, displayTimeUnit: 'ms', otherData: { ...info, worker: pid, workers: data.workers, epochBaseMs: base, producer: 'syncline' } };
}
