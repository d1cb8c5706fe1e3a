/**
 * The CommunicatorProvider for MultiWorkerMirroredStrategy: every worker process (one
 * per TF_CONFIG training task) joins one TCP ring at its TF_CONFIG address, authenticated
 * with SYNCLINE_AUTH_TOKEN (or SYNCLINE_AUTH_TOKEN_FILE), which the ring itself reads.
 * One local replica per worker joins the ring directly; several local replicas need the
 * hierarchical communicator (shared memory inside the host, the ring between hosts).
 */
import type { CommunicatorProvider } from '@syncline/core';
import { InvalidConfigError } from '@syncline/core';
import { createRingCommunicator } from '@syncline/collective';

export interface MultiWorkerGroupOptions {
  /** This worker's rank among the training tasks (chief first). */
  readonly workerRank: number;
  /** Every training task's address, by rank (TF_CONFIG's cluster addresses). */
  readonly addresses: readonly string[];
  readonly timeoutMs?: number;
  /** Allows no token when every address is loopback (tests, one machine). */
  readonly insecure?: boolean;
}

interface MultiWorkerGroup extends MultiWorkerGroupOptions {
  readonly localSize: number;
}

export const multiWorkerProvider: CommunicatorProvider = {
  prepareGroup(localSize: number, options: unknown): MultiWorkerGroup {
    const o = options as MultiWorkerGroupOptions;
    if (localSize !== 1) {
      throw new InvalidConfigError('--replicas', localSize, '1 per worker process for now (run more worker processes instead)');
    }
    return { ...o, localSize };
  },
  async join(group: unknown) {
    const g = group as MultiWorkerGroup;
    return createRingCommunicator({
      rank: g.workerRank,
      addresses: g.addresses,
      ...(g.timeoutMs !== undefined ? { timeoutMs: g.timeoutMs } : {}),
      ...(g.insecure ? { insecure: true } : {}),
    });
  },
};
