/**
 * Two workers of one ring do not agree on the cluster: they list different numbers of
 * workers, list them in different orders, or both claim the same rank (two workers started
 * with the same TF_CONFIG task index). Raised only once the peer has proven it knows the
 * shared token, so it is never a stranger's word; a wrong token is an AuthFailedError.
 */
import { SynclineError } from './syncline-error';

/** One worker as seen in the ring handshake: its rank, its cluster's size, its address. */
export interface ClusterMember {
  readonly rank: number;
  readonly size: number;
  readonly address: string;
}

/** 'size': cluster sizes differ; 'order': ranks sit at other addresses; 'duplicate': two workers claim one rank. */
export type ClusterMismatchKind = 'size' | 'order' | 'duplicate';

export interface ClusterMismatchOptions {
  /** Extra facts (who expected what, where the duplicate connected from). */
  readonly detail?: string;
  /** True on a rank that was told by a neighbour (an ABORT frame), not one of the two workers. */
  readonly reported?: boolean;
}

function headline(kind: ClusterMismatchKind, local: ClusterMember, peer: ClusterMember): string {
  const who = (m: ClusterMember): string => `rank ${m.rank} (${m.address})`;
  if (kind === 'size') return `Cluster size mismatch: ${who(local)} has a cluster of ${local.size} workers, ${who(peer)} has a cluster of ${peer.size} workers`;
  if (kind === 'duplicate') return `Two workers claim rank ${local.rank} of a cluster of ${local.size}: one at ${local.address}, one at ${peer.address}`;
  return `Cluster order mismatch in a cluster of ${local.size} workers: ${who(local)} and ${who(peer)} disagree about which worker is at which address`;
}

export class ClusterMismatchError extends SynclineError {
  override readonly name = 'ClusterMismatchError';
  /** The extra facts given (ClusterMismatchOptions.detail). */
  readonly detail: string | undefined;
  constructor(
    readonly kind: ClusterMismatchKind,
    readonly local: ClusterMember,
    readonly peer: ClusterMember,
    options: ClusterMismatchOptions = {},
  ) {
    const notes = [options.detail, options.reported ? 'reported round the ring' : undefined].filter((n) => n);
    super(
      'CLUSTER_MISMATCH',
      `${headline(kind, local, peer)}${notes.length ? ` (${notes.join('; ')})` : ''}. ` +
        "Every worker's TF_CONFIG must list the same cluster (the same addresses in the same order) and give each worker its own task index: " +
        'fix the worker that differs, then restart every worker.',
      { retryable: false },
    );
    this.detail = options.detail;
  }
}
