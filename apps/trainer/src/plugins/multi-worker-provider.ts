/**
 * The CommunicatorProvider for MultiWorkerMirroredStrategy, spanning every replica of
 * every worker process (one per TF_CONFIG training task):
 *   1. one local replica per worker: it joins the TCP ring at its worker's TF_CONFIG
 *      address directly;
 *   2. several local replicas: hierarchical: a shared-memory group inside the process
 *      (prepared here, on the coordinator), and local rank 0 of each worker joins the
 *      TCP ring of leaders; the reduce runs locally, across leaders, then back.
 * Like a TensorFlow server, a worker listens on every interface at its TF_CONFIG port
 * (its own name may not resolve yet when a pod starts); loopback addresses stay bound to
 * themselves, and SYNCLINE_LISTEN_ADDRESS overrides both.
 * The ring authenticates with SYNCLINE_AUTH_TOKEN (or SYNCLINE_AUTH_TOKEN_FILE), which it
 * reads itself; the token never travels through this descriptor.
 */
import type { Communicator, CommunicatorProvider } from '@syncline/core';
import {
  attachSharedMemory,
  createHierarchicalCommunicator,
  createRingCommunicator,
  createSharedMemoryGroup,
  wildcardListenAddress,
  type SharedMemoryGroupDescriptor,
} from '@syncline/collective';
import { REGISTERED_BYTES_PER_REPLICA, registeredBytesPerReplica } from './shared-memory-provider';

export interface MultiWorkerGroupOptions {
  /** This worker's rank among the training tasks (chief first). */
  readonly workerRank: number;
  /** Every training task's address, by rank (TF_CONFIG's cluster addresses). */
  readonly addresses: readonly string[];
  readonly timeoutMs?: number;
}

interface MultiWorkerGroup extends MultiWorkerGroupOptions {
  readonly localSize: number;
  readonly shared?: SharedMemoryGroupDescriptor;
}

/** Overrides where this worker's ring listens (default: every interface at its TF_CONFIG port). */
export const LISTEN_ADDRESS_ENV = 'SYNCLINE_LISTEN_ADDRESS';

/** The ring among workers; `registered` when the replica uses it directly (it then keeps its gradients in the ring's registered space). */
function joinRing(g: MultiWorkerGroup, registered: boolean): Promise<Communicator> {
  const listenAddress = process.env[LISTEN_ADDRESS_ENV] || wildcardListenAddress(g.addresses[g.workerRank]!, g.workerRank);
  return createRingCommunicator({
    rank: g.workerRank,
    addresses: g.addresses,
    ...(listenAddress ? { listenAddress } : {}),
    ...(g.timeoutMs !== undefined ? { timeoutMs: g.timeoutMs } : {}),
    ...(registered ? { registeredBytes: REGISTERED_BYTES_PER_REPLICA } : {}),
  });
}

export const multiWorkerProvider: CommunicatorProvider = {
  prepareGroup(localSize: number, options: unknown): MultiWorkerGroup {
    const o = options as MultiWorkerGroupOptions;
    const shared = localSize > 1
      ? createSharedMemoryGroup(localSize, { registeredBytes: registeredBytesPerReplica(localSize), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) }).descriptor
      : undefined;
    return { ...o, localSize, ...(shared ? { shared } : {}) };
  },
  async join(group: unknown, localRank: number) {
    const g = group as MultiWorkerGroup;
    if (!g.shared) return joinRing(g, true);
    const local = attachSharedMemory(g.shared, localRank);
    const leaders = localRank === 0 ? await joinRing(g, false) : undefined;
    return createHierarchicalCommunicator({ local, ...(leaders ? { leaders } : {}), hostIndex: g.workerRank, hostCount: g.addresses.length });
  },
};
