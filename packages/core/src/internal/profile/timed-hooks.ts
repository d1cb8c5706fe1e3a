/**
 * Runs one kind of callback hook over every callback, in order, and tells the profiler
 * how long the coordinator spent: one 'callbacks' span for the whole pass, and inside it
 * a span for each callback that names its phase (BackupAndRestore: 'checkpoint').
 * Without a profiler it is the plain loop.
 */
import type { Callback } from '../../contracts/callback';
import { wallClockMs, type CoordinatorSpanName, type StepProfiler } from '../../contracts/step-profiler';

export async function runHooks(
  callbacks: readonly Callback[],
  hook: (cb: Callback) => unknown,
  profiler: StepProfiler | undefined,
  beforeStep: number,
): Promise<void> {
  if (!profiler?.span) {
    for (const cb of callbacks) await hook(cb);
    return;
  }
  const start = wallClockMs();
  for (const cb of callbacks) {
    const phase = cb.profilePhase;
    const t = phase ? wallClockMs() : 0;
    await hook(cb);
    if (phase) profiler.span(phase, beforeStep, t, wallClockMs() - t);
  }
  profiler.span('callbacks', beforeStep, start, wallClockMs() - start);
}

/** Times `work` as a coordinator span (validation) when a profiler listens. */
export async function timed<T>(name: CoordinatorSpanName, profiler: StepProfiler | undefined, beforeStep: number, work: () => Promise<T>): Promise<T> {
  if (!profiler?.span) return work();
  const start = wallClockMs();
  try {
    return await work();
  } finally {
    profiler.span(name, beforeStep, start, wallClockMs() - start);
  }
}
