/**
 * Replicas are checked to agree: every replica of every worker hashes its weights and
 * optimizer state (sha256), the hashes are all-gathered through the group's own
 * communicator, and any difference is a ReplicaDivergenceError naming the ranks that
 * disagree and the step. Mirrored training keeps replicas bitwise equal by construction,
 * so a difference means a bit flip, a nondeterministic kernel or a bug; left alone it would
 * be averaged into every later step and saved as if nothing happened.
 *   1. at every epoch end, and before a preemption checkpoint (a mid-epoch save);
 *   2. with `everySteps: N`, also at the first step boundary at or after every N steps
 *      (boundaries are steps-per-execution groups);
 *   3. put this callback before BackupAndRestore in the callbacks list: hooks run in
 *      order, so a diverged state throws before it is ever written as a checkpoint.
 * BatchNorm moving statistics are per replica between checks (Keras' ON_READ / MEAN variables):
 * a check first replaces them by their mean across the group, then hashes.
 * Engines without per-replica hashes (a compiled TPU program holds one copy) are
 * skipped, once, with a log line.
 */
import type { BatchLogs, Callback } from '../contracts/callback';
import type { FitContext } from '../contracts/fit-context';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { ReplicaDivergenceError, type ReplicaStateGroup } from '../errors/replica-divergence-error';

/** An engine whose replicas can hash their state (the mirrored engine). */
export interface SupportsReplicaStateHashes {
  /** Every global rank's hash of its weights and optimizer state, in rank order. */
  replicaStateHashes(): Promise<string[]>;
}

const canHash = (e: unknown): e is SupportsReplicaStateHashes => typeof (e as Partial<SupportsReplicaStateHashes>).replicaStateHashes === 'function';

/** Groups equal hashes (the largest group first, ties by lowest rank); one group means agreement. */
export function groupStates(hashes: readonly string[]): ReplicaStateGroup[] {
  const by = new Map<string, number[]>();
  hashes.forEach((h, rank) => by.set(h, [...(by.get(h) ?? []), rank]));
  return [...by].map(([hash, ranks]) => ({ hash, ranks })).sort((a, b) => b.ranks.length - a.ranks.length || a.ranks[0]! - b.ranks[0]!);
}

export interface ReplicaAgreementOptions {
  /** Also check every this many steps (0: epoch ends and checkpoints only). */
  readonly everySteps?: number;
  readonly log?: (line: string) => void;
}

export class ReplicaAgreementCheck implements Callback {
  #ctx: FitContext | undefined;
  #nextStepCheck = Infinity;
  /** How many checks ran (and passed) so far. */
  checks = 0;

  constructor(private readonly options: ReplicaAgreementOptions = {}) {
    const n = options.everySteps ?? 0;
    if (!Number.isInteger(n) || n < 0) throw new InvalidConfigError('everySteps', n, 'a whole number of steps >= 0 (0: epoch ends and checkpoints only)');
  }

  onTrainBegin(ctx: FitContext): void {
    this.#ctx = ctx;
    if (!canHash(ctx.engine)) {
      this.#ctx = undefined;
      (this.options.log ?? console.warn)('note: the replica agreement check is skipped: this engine keeps one copy of the weights');
    }
  }

  async onBatchEnd(epoch: number, logs: BatchLogs): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx) return;
    const step = epoch * ctx.stepsPerEpoch + logs.step + 1;
    const every = this.options.everySteps ?? 0;
    if (this.#nextStepCheck === Infinity && every > 0) this.#nextStepCheck = (Math.floor((step - 1) / every) + 1) * every;
    const due = step >= this.#nextStepCheck;
    if (due) this.#nextStepCheck = (Math.floor(step / every) + 1) * every;
    if (logs.step + 1 >= logs.steps) return; // an epoch end: onEpochEnd checks there
    if (ctx.preempted) return this.#check(step, `before the preemption checkpoint at epoch ${epoch}, step ${logs.step + 1}`);
    if (due) await this.#check(step, `every ${every} steps`);
  }

  async onEpochEnd(epoch: number): Promise<void> {
    const ctx = this.#ctx;
    if (ctx) await this.#check((epoch + 1) * ctx.stepsPerEpoch, `end of epoch ${epoch + 1}`);
  }

  async #check(step: number, where: string): Promise<void> {
    const engine = this.#ctx!.engine;
    if (!canHash(engine)) return;
    const hashes = await engine.replicaStateHashes();
    const groups = groupStates(hashes);
    if (groups.length > 1) throw new ReplicaDivergenceError(step, where, groups);
    this.checks++;
  }
}
