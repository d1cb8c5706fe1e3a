/**
 * Pure arithmetic of the straggler report: from two snapshots of every rank's busy and
 * waiting totals (RankTotals), each rank's share of step time spent computing versus
 * waiting for the slowest, which rank was slowest and by how much.
 *   busy  = time a rank worked between two collectives (data, forward, backward, optimizer);
 *   wait  = time it then sat in the all-reduce until the slowest rank arrived;
 *   step  = wall time between two collectives (the same on every rank, up to the transfer).
 */
import type { RankTotals } from '../contracts/step-profiler';

export interface RankShare {
  readonly rank: number;
  /** Mean busy (computing) ms per step. */
  readonly busyMsPerStep: number;
  /** Mean ms per step waiting in the all-reduce for the slowest rank. */
  readonly waitMsPerStep: number;
  /** busy / step time, 0..1. */
  readonly computeShare: number;
  /** wait / step time, 0..1. */
  readonly waitShare: number;
}

export interface StragglerInterval {
  /** Steps covered, counted over the whole fit. */
  readonly firstStep: number;
  readonly lastStep: number;
  readonly steps: number;
  /** Mean wall ms per step. */
  readonly stepMs: number;
  readonly ranks: readonly RankShare[];
  readonly slowestRank: number;
  /** slowest busy / median busy of the other ranks - 1 (0.25: 25% slower); 0 with one rank. */
  readonly slowerBy: number;
  /** Median busy ms per step of the other ranks. */
  readonly othersBusyMsPerStep: number;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The interval between snapshots `from` (exclusive) and `to`; undefined when no step lies between. */
export function stragglerInterval(from: RankTotals, to: RankTotals, firstStep: number, lastStep: number): StragglerInterval | undefined {
  const steps = to.steps - from.steps;
  if (steps <= 0) return undefined;
  const stepMs = (to.stepMs - from.stepMs) / steps;
  const ranks: RankShare[] = [];
  for (let r = 0; r < to.busyMs.length; r++) {
    const busy = (to.busyMs[r]! - (from.busyMs[r] ?? 0)) / steps;
    const wait = (to.peerWaitMs[r]! - (from.peerWaitMs[r] ?? 0)) / steps;
    ranks.push({ rank: r, busyMsPerStep: busy, waitMsPerStep: wait, computeShare: stepMs > 0 ? busy / stepMs : 0, waitShare: stepMs > 0 ? wait / stepMs : 0 });
  }
  let slowest = 0;
  for (const r of ranks) if (r.busyMsPerStep > ranks[slowest]!.busyMsPerStep) slowest = r.rank;
  const others = median(ranks.filter((r) => r.rank !== slowest).map((r) => r.busyMsPerStep));
  const slowerBy = ranks.length > 1 && others > 0 ? ranks[slowest]!.busyMsPerStep / others - 1 : 0;
  return { firstStep, lastStep, steps, stepMs, ranks, slowestRank: slowest, slowerBy, othersBusyMsPerStep: others };
}

const pct = (x: number): string => `${Math.round(100 * x)}%`;

/** One console line: the slowest rank and every rank's compute / wait shares. */
export function formatStragglerLine(s: StragglerInterval, workerOf: (rank: number) => number): string {
  const slow = s.ranks[s.slowestRank]!;
  const shares = s.ranks.map((r) => `r${r.rank} ${pct(r.computeShare)}/${pct(r.waitShare)}`).join(', ');
  return (
    `straggler: steps ${s.firstStep}-${s.lastStep}: slowest rank ${s.slowestRank} (worker ${workerOf(s.slowestRank)}) ` +
    `busy ${slow.busyMsPerStep.toFixed(1)} ms/step, ${s.slowerBy >= 0 ? '+' : ''}${pct(s.slowerBy)} vs the others' median ` +
    `${s.othersBusyMsPerStep.toFixed(1)} ms; step ${s.stepMs.toFixed(1)} ms; compute/wait share: ${shares}`
  );
}
