/**
 * `multiWorker()`: the communicator for MultiWorkerMirroredStrategy, spanning every replica
 * of every worker process (one per TF_CONFIG training task). The strategy tells the
 * provider this worker's rank and every task's address (from its cluster resolver):
 *   1. one local replica per worker: it joins the TCP ring at its worker's address directly;
 *   2. several local replicas: hierarchical: a shared-memory group inside the process
 *      (prepared on the coordinator), and local rank 0 of each worker joins the TCP ring of
 *      leaders; the reduce runs locally, across leaders, then back.
 * Like a TensorFlow server, a worker listens on every interface at its TF_CONFIG port (its
 * own name may not resolve yet when a pod starts); loopback addresses stay bound to
 * themselves; the `listenAddress` option or SYNCLINE_LISTEN_ADDRESS overrides both.
 * The ring authenticates with SYNCLINE_AUTH_TOKEN (or SYNCLINE_AUTH_TOKEN_FILE), which it
 * reads itself; the token never travels through this descriptor.
 */
import { communicatorRef, InvalidConfigError, type Communicator, type CommunicatorProvider, type CommunicatorRef, type GroupContext } from '@syncline/core';
import { createHierarchicalCommunicator } from '../hierarchical/hierarchical-communicator';
import { wildcardListenAddress } from '../ring/address';
import { createRingCommunicator } from '../ring/ring-communicator';
import { attachSharedMemory } from '../shared-memory/shared-memory-communicator';
import { createSharedMemoryGroup, type SharedMemoryGroupDescriptor } from '../shared-memory/shared-memory-group';
import { checkOptionKeys, REGISTERED_BYTES_PER_REPLICA, registeredBytesPerReplica } from './provider-options';

/** Overrides where this worker's ring listens (default: every interface at its TF_CONFIG port). */
export const LISTEN_ADDRESS_ENV = 'SYNCLINE_LISTEN_ADDRESS';

export interface MultiWorkerOptions {
  /** Timeout of every collective, ms; default the strategy's. */
  readonly timeoutMs?: number;
  /** host:port this worker's ring listens on; default SYNCLINE_LISTEN_ADDRESS, else every interface at its TF_CONFIG port. */
  readonly listenAddress?: string;
}

const KNOWN: readonly (keyof MultiWorkerOptions)[] = ['timeoutMs', 'listenAddress'];

interface MultiWorkerGroup {
  readonly workerRank: number;
  readonly addresses: readonly string[];
  readonly timeoutMs: number;
  readonly listenAddress?: string;
  readonly shared?: SharedMemoryGroupDescriptor;
}

/** The ring among workers; `registered` when the replica uses it directly (it then keeps its gradients in the ring's registered space). */
function joinRing(g: MultiWorkerGroup, registered: boolean): Promise<Communicator> {
  const listenAddress = g.listenAddress || process.env[LISTEN_ADDRESS_ENV] || wildcardListenAddress(g.addresses[g.workerRank]!, g.workerRank);
  return createRingCommunicator({
    rank: g.workerRank,
    addresses: g.addresses,
    ...(listenAddress ? { listenAddress } : {}),
    timeoutMs: g.timeoutMs,
    ...(registered ? { registeredBytes: REGISTERED_BYTES_PER_REPLICA } : {}),
  });
}

export const multiWorkerProvider: CommunicatorProvider = {
  prepareGroup(localSize: number, options: unknown, context?: GroupContext): MultiWorkerGroup {
    if (!context) {
      throw new InvalidConfigError('communicator', 'multi-worker', 'a strategy that tells it the cluster (MultiWorkerMirroredStrategy)');
    }
    if (localSize > 1 && context.isolation === 'process') {
      throw new InvalidConfigError(
        'replicasPerWorker',
        localSize,
        '1 with isolation "process" (local replicas share memory: run them as threads, or one replica per worker process)',
      );
    }
    const o = (options ?? {}) as MultiWorkerOptions;
    const timeoutMs = o.timeoutMs ?? context.timeoutMs;
    const shared =
      localSize > 1 ? createSharedMemoryGroup(localSize, { registeredBytes: registeredBytesPerReplica(localSize), timeoutMs }).descriptor : undefined;
    return {
      workerRank: context.workerRank,
      addresses: context.workerAddresses,
      timeoutMs,
      ...(o.listenAddress ? { listenAddress: o.listenAddress } : {}),
      ...(shared ? { shared } : {}),
    };
  },
  async join(group: unknown, localRank: number) {
    const g = group as MultiWorkerGroup;
    if (!g.shared) return joinRing(g, true);
    const local = attachSharedMemory(g.shared, localRank);
    const leaders = localRank === 0 ? await joinRing(g, false) : undefined;
    return createHierarchicalCommunicator({ local, ...(leaders ? { leaders } : {}), hostIndex: g.workerRank, hostCount: g.addresses.length });
  },
};

/**
 * The cluster-wide communicator for MultiWorkerMirroredStrategy (TF_CONFIG, Kubeflow,
 * Vertex AI): several replicas per worker run as threads; with isolation "process", one.
 * @throws InvalidConfigError for an unknown option
 */
export function multiWorker(options: MultiWorkerOptions = {}): CommunicatorRef<MultiWorkerOptions> {
  checkOptionKeys('multiWorker', options, KNOWN);
  return communicatorRef({ name: 'multi-worker', isolation: 'any', multiWorker: true, module: __filename, export: 'multiWorkerProvider', options });
}
