/**
 * The straggler report as a StepProfiler. Every replica learns every rank's busy and
 * waiting totals through the step's all-reduce (PhaseClock); this monitor diffs them:
 *   1. the first snapshot is the baseline (step 0 includes start-up work);
 *   2. once `every` steps have passed since the last report, one interval is computed
 *      (straggler-stats.ts), logged as one line and kept;
 *   3. a rank that is the slowest by more than `threshold` in `persist` consecutive
 *      intervals gets ONE warning line naming it (never again for that rank).
 */
import type { RankTotals, StepPhaseTimes, StepProfiler } from '../contracts/step-profiler';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { formatStragglerLine, stragglerInterval, type StragglerInterval } from './straggler-stats';

/** Report every this many steps unless told otherwise. */
export const DEFAULT_STRAGGLER_EVERY = 100;
/** A rank this much slower (busy time) than the others' median counts as a straggler. */
export const DEFAULT_STRAGGLER_THRESHOLD = 0.2;
/** Consecutive intervals a straggler must lead before the warning. */
export const DEFAULT_STRAGGLER_PERSIST = 3;

export interface StragglerMonitorOptions {
  readonly every?: number;
  readonly threshold?: number;
  readonly persist?: number;
  /** Local replicas per worker: rank r runs in worker floor(r / replicasPerWorker). */
  readonly replicasPerWorker?: number;
  /** Where report and warning lines go (the chief's log; a no-op elsewhere). */
  readonly log?: (line: string) => void;
}

export interface StragglerSummary {
  readonly every: number;
  readonly threshold: number;
  /** The whole run since the baseline, and the last interval. */
  readonly overall: StragglerInterval | undefined;
  readonly last: StragglerInterval | undefined;
  readonly intervals: number;
  /** Ranks that drew the warning. */
  readonly warned: readonly number[];
}

export class StragglerMonitor implements StepProfiler {
  readonly every: number;
  readonly threshold: number;
  readonly persist: number;
  #base: { totals: RankTotals; step: number } | undefined;
  #prev: { totals: RankTotals; step: number } | undefined;
  #latest: { totals: RankTotals; step: number } | undefined;
  #last: StragglerInterval | undefined;
  #intervals = 0;
  #streak = { rank: -1, count: 0 };
  readonly #warned = new Set<number>();

  constructor(readonly options: StragglerMonitorOptions = {}) {
    this.every = options.every ?? DEFAULT_STRAGGLER_EVERY;
    this.threshold = options.threshold ?? DEFAULT_STRAGGLER_THRESHOLD;
    this.persist = options.persist ?? DEFAULT_STRAGGLER_PERSIST;
    if (!Number.isInteger(this.every) || this.every < 1) throw new InvalidConfigError('straggler every', this.every, 'an integer >= 1 (steps)');
    if (!(this.threshold >= 0)) throw new InvalidConfigError('straggler threshold', this.threshold, 'a fraction >= 0 (0.2 = 20% slower)');
    if (!Number.isInteger(this.persist) || this.persist < 1) throw new InvalidConfigError('straggler persist', this.persist, 'an integer >= 1 (intervals)');
  }

  replicaStep(_step: number, _phases: StepPhaseTimes): void {}

  rankTotals(step: number, totals: RankTotals): void {
    this.#latest = { totals, step };
    if (!this.#prev) {
      this.#base = this.#prev = this.#latest;
      return;
    }
    if (step - this.#prev.step < this.every) return;
    const s = stragglerInterval(this.#prev.totals, totals, this.#prev.step + 1, step);
    this.#prev = this.#latest;
    if (!s) return;
    this.#intervals++;
    this.#last = s;
    this.options.log?.(formatStragglerLine(s, (r) => this.#workerOf(r)));
    const slow = s.slowerBy > this.threshold;
    this.#streak =
      slow && this.#streak.rank === s.slowestRank
        ? { rank: s.slowestRank, count: this.#streak.count + 1 }
        : { rank: slow ? s.slowestRank : -1, count: slow ? 1 : 0 };
    if (this.#streak.count >= this.persist && !this.#warned.has(s.slowestRank)) {
      this.#warned.add(s.slowestRank);
      this.options.log?.(
        `warning: rank ${s.slowestRank} (worker ${this.#workerOf(s.slowestRank)}) is a straggler: slowest for ${this.#streak.count} intervals of ` +
          `${this.every} steps in a row, now ${Math.round(100 * s.slowerBy)}% slower than the others (threshold ${Math.round(100 * this.threshold)}%); ` +
          'check its CPU share (taskset, other jobs), data loading and network',
      );
    }
  }

  #workerOf(rank: number): number {
    return Math.floor(rank / (this.options.replicasPerWorker ?? 1));
  }

  summary(): StragglerSummary {
    const overall = this.#base && this.#latest ? stragglerInterval(this.#base.totals, this.#latest.totals, this.#base.step + 1, this.#latest.step) : undefined;
    return { every: this.every, threshold: this.threshold, overall, last: this.#last, intervals: this.#intervals, warned: [...this.#warned] };
  }
}
