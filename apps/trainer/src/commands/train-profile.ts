/**
 * `syncline train --profile <dir>` and the straggler report: builds the StepProfiler that
 * fit feeds, and afterwards writes what it saw.
 *   1. With --profile, every worker records its replicas' steps (TimelineRecorder) and
 *      writes <dir>/trace-worker-<rank>.json (Chrome trace / Perfetto JSON);
 *   2. the chief then waits up to MERGE_WAIT_MS for every worker's file (same host or a
 *      shared directory), aligns their clocks (mergeTraces) and writes <dir>/trace.json;
 *      a file that never comes is named in the log with how to merge later;
 *   3. with several replicas, a StragglerMonitor logs compute vs wait per rank every
 *      --straggler-every steps on the chief, and every worker's JSON result holds its summary.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  combineProfilers,
  isSynclineError,
  mergeTraceFiles,
  StragglerMonitor,
  TimelineRecorder,
  type StepProfiler,
  type StragglerSummary,
} from '@syncline/core';
import type { TrainOptions } from './train-options';

/** How long the chief waits for the other workers' trace files before merging without them. */
export const MERGE_WAIT_MS = 20_000;

export interface ProfileFiles {
  /** This worker's trace. */
  readonly trace: string;
  readonly traceBytes: number;
  /** The merged trace (chief only, when every worker's file arrived). */
  readonly merged?: string;
  readonly mergedBytes?: number;
}

export interface ProfileResult {
  readonly profile?: ProfileFiles;
  readonly straggler?: StragglerSummary;
}

export interface RunProfile {
  readonly profiler: StepProfiler | undefined;
  /** Call once fit has returned: writes the trace(s); the fields for the JSON result. */
  finish(): Promise<ProfileResult>;
}

export interface ProfileContext {
  readonly rank: number;
  readonly worldSize: number;
  readonly isChief: boolean;
  readonly replicas: number;
  readonly meta: Readonly<Record<string, string | number | boolean>>;
  readonly log: (line: string) => void;
}

export const workerTraceFile = (dir: string, rank: number): string => join(dir, `trace-worker-${rank}.json`);
export const MERGED_TRACE = 'trace.json';

export function startRunProfile(o: TrainOptions, c: ProfileContext): RunProfile {
  const replicasPerWorker = Math.max(1, Math.round(c.replicas / c.worldSize));
  const straggler =
    o.stragglerEvery > 0 && c.replicas > 1
      ? new StragglerMonitor({ every: o.stragglerEvery, threshold: o.stragglerThreshold, replicasPerWorker, ...(c.isChief ? { log: c.log } : {}) })
      : undefined;
  const dir = o.profile;
  let timeline: TimelineRecorder | undefined;
  if (dir !== undefined) {
    mkdirSync(dir, { recursive: true });
    // files of an earlier run would be merged as this one's; no worker writes before the chief's fit ends
    if (c.isChief) for (const f of readdirSync(dir)) if (/^trace(-worker-\d+)?\.json(\.tmp)?$/.test(f)) rmSync(join(dir, f), { force: true });
    timeline = new TimelineRecorder({ worker: c.rank, workers: c.worldSize, meta: c.meta });
  }
  const profiler = combineProfilers([timeline, straggler].filter((p): p is NonNullable<typeof p> => p !== undefined));
  return {
    profiler,
    async finish(): Promise<ProfileResult> {
      const profile = timeline && dir !== undefined ? await writeTraces(timeline, dir, c) : undefined;
      return { ...(profile ? { profile } : {}), ...(straggler ? { straggler: straggler.summary() } : {}) };
    },
  };
}

async function writeTraces(timeline: TimelineRecorder, dir: string, c: ProfileContext): Promise<ProfileFiles> {
  const own = workerTraceFile(dir, c.rank);
  const files: ProfileFiles = { trace: own, traceBytes: timeline.write(own) };
  if (!c.isChief) {
    c.log(`profile: ${own} (${files.traceBytes} bytes)`);
    return files;
  }
  const traces = [own];
  const missing = new Set(Array.from({ length: c.worldSize }, (_, r) => r).filter((r) => r !== c.rank));
  const deadline = Date.now() + MERGE_WAIT_MS;
  while (missing.size > 0 && Date.now() < deadline) {
    for (const r of [...missing]) {
      const f = workerTraceFile(dir, r);
      if (!existsSync(f)) continue;
      traces.push(f);
      missing.delete(r);
    }
    if (missing.size > 0) await new Promise((r) => setTimeout(r, 100));
  }
  const merged = join(dir, MERGED_TRACE);
  if (missing.size > 0) {
    c.log(
      `profile: ${own}; no trace from worker(s) ${[...missing].join(', ')} in ${dir} after ${MERGE_WAIT_MS / 1000} s ` +
        '(on other hosts without a shared directory: copy their trace-worker-*.json here and merge with mergeTraceFiles from @syncline/core)',
    );
    return files;
  }
  let mergedBytes: number;
  try {
    mergedBytes = mergeTraceFiles(traces, merged);
  } catch (e) {
    if (!isSynclineError(e)) throw e;
    c.log(`profile: ${own}; not merged: ${e.message}`); // too large: the per-worker files stay
    return files;
  }
  c.log(`profile: ${merged} (${c.worldSize} worker(s), ${mergedBytes} bytes; open it in ui.perfetto.dev or chrome://tracing)`);
  return { ...files, merged, mergedBytes };
}
