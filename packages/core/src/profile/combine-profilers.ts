/** One StepProfiler that forwards to several (a timeline and a straggler monitor), in order. */
import type { CoordinatorSpanName, RankTotals, StepPhaseTimes, StepProfiler } from '../contracts/step-profiler';

export function combineProfilers(profilers: readonly StepProfiler[]): StepProfiler | undefined {
  if (profilers.length <= 1) return profilers[0];
  return {
    replicaStep(step: number, phases: StepPhaseTimes): void {
      for (const p of profilers) p.replicaStep(step, phases);
    },
    rankTotals(step: number, totals: RankTotals): void {
      for (const p of profilers) p.rankTotals?.(step, totals);
    },
    span(name: CoordinatorSpanName, beforeStep: number, startMs: number, durationMs: number): void {
      for (const p of profilers) p.span?.(name, beforeStep, startMs, durationMs);
    },
    groupEnd(firstStep: number, lastStep: number, endMs: number): void {
      for (const p of profilers) p.groupEnd?.(firstStep, lastStep, endMs);
    },
  };
}
