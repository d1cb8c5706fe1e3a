/**
 * Hands one train request's per-replica step metrics to a StepProfiler: every local
 * replica's phases of every step, then the rank totals the first replica carried on its
 * last step. No allocation: the replicas' own metric objects are passed on.
 */
import type { StepProfiler } from '../../contracts/step-profiler';
import type { StepMetrics } from '../replica/replica-messages';

export function reportPhases(profiler: StepProfiler, firstStep: number, perReplica: readonly (readonly StepMetrics[])[]): void {
  const steps = perReplica[0]?.length ?? 0;
  for (let i = 0; i < steps; i++) {
    for (const replica of perReplica) profiler.replicaStep(firstStep + i, replica[i]!);
  }
  const totals = perReplica[0]?.[steps - 1]?.rankTotals;
  if (totals && profiler.rankTotals) profiler.rankTotals(firstStep + steps - 1, totals);
}
