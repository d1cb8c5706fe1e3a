/**
 * Replicas that should hold bitwise-equal weights and optimizer state do not: a bit flip,
 * a nondeterministic kernel or a bug made one diverge. Raised by the agreement check
 * before any checkpoint of the diverged state is written, so the newest checkpoint is
 * still one that every replica agreed on.
 */
import { SynclineError } from './syncline-error';

/** Ranks that hold one state (its hash, shortened). */
export interface ReplicaStateGroup {
  readonly hash: string;
  readonly ranks: readonly number[];
}

export class ReplicaDivergenceError extends SynclineError {
  override readonly name = 'ReplicaDivergenceError';
  constructor(
    /** Global step (optimizer steps completed) at which the states were compared. */
    readonly step: number,
    /** Where the check ran: 'epoch 3 end', 'checkpoint', 'every 50 steps'. */
    readonly where: string,
    /** The distinct states, the largest group first. */
    readonly groups: readonly ReplicaStateGroup[],
  ) {
    const [majority, ...others] = groups;
    const odd = others.flatMap((g) => g.ranks);
    super(
      'REPLICA_DIVERGENCE',
      `Replicas diverged at step ${step} (${where}): rank(s) ${odd.join(', ')} hold other weights or optimizer state than rank(s) ` +
        `${majority?.ranks.join(', ') ?? 'none'} (${groups.map((g) => `${g.hash.slice(0, 12)}: ranks ${g.ranks.join(', ')}`).join('; ')}). ` +
        'No checkpoint of this state was written; restart the job (BackupAndRestore resumes from the newest checkpoint) and check the hardware of the odd rank(s).',
      { retryable: true },
    );
  }
}
