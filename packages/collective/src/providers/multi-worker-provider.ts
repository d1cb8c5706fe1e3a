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
 * reads itself; the token never travels through this descriptor. With the `tls` option the
 * ring's links use mutual TLS: the descriptor carries only the PEM files' paths (it is
 * structured-cloned to every replica), and the replica that joins the ring reads them.
 */
import { readFileSync } from 'node:fs';
import { communicatorRef, InvalidConfigError, type Communicator, type CommunicatorProvider, type CommunicatorRef, type GroupContext } from '@syncline/core';
import { createHierarchicalCommunicator } from '../hierarchical/hierarchical-communicator';
import { wildcardListenAddress } from '../ring/address';
import { createRingCommunicator } from '../ring/ring-communicator';
import { attachSharedMemory } from '../shared-memory/shared-memory-communicator';
import { createSharedMemoryGroup, type SharedMemoryGroupDescriptor } from '../shared-memory/shared-memory-group';
import { checkOptionKeys, REGISTERED_BYTES_PER_REPLICA, registeredBytesPerReplica } from './provider-options';

/** Overrides where this worker's ring listens (default: every interface at its TF_CONFIG port). */
export const LISTEN_ADDRESS_ENV = 'SYNCLINE_LISTEN_ADDRESS';
/** Set to "any" on workers whose peers connect from addresses TF_CONFIG does not list (behind a NAT); default: only the cluster's (accept-gate.ts). */
export const ACCEPT_FROM_ENV = 'SYNCLINE_RING_ACCEPT_FROM';

export interface MultiWorkerOptions {
  /** Timeout of every collective, ms; default the strategy's. */
  readonly timeoutMs?: number;
  /** host:port this worker's ring listens on; default SYNCLINE_LISTEN_ADDRESS, else every interface at its TF_CONFIG port. */
  readonly listenAddress?: string;
  /**
   * Mutual TLS on the ring's links: PEM file paths (read when the ring is joined), all three
   * or none. Every worker presents `certFile` (its key in `keyFile`), and accepts only peers
   * whose certificates `caFile` signed and whose names match their cluster addresses.
   */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
}

const KNOWN: readonly (keyof MultiWorkerOptions)[] = ['timeoutMs', 'listenAddress', 'tls'];
const TLS_FILES = ['certFile', 'keyFile', 'caFile'] as const;
type TlsFiles = NonNullable<MultiWorkerOptions['tls']>;

/** Refuses a partial or malformed `tls` option, naming the missing file. */
function checkTls(tls: unknown): void {
  if (tls === undefined) return;
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) {
    throw new InvalidConfigError('multiWorker(options).tls', tls, 'an object of PEM file paths: { certFile, keyFile, caFile }');
  }
  const files = tls as Record<string, unknown>;
  for (const key of Object.keys(files))
    if (!(TLS_FILES as readonly string[]).includes(key))
      throw new InvalidConfigError(`multiWorker(options).tls.${key}`, files[key], `no such option (known: ${TLS_FILES.join(', ')})`);
  for (const key of TLS_FILES)
    if (typeof files[key] !== 'string' || files[key] === '')
      throw new InvalidConfigError(`multiWorker(options).tls.${key}`, files[key], 'a PEM file path: mutual TLS needs certFile, keyFile and caFile together');
}

/** The PEM contents of `tls`, read in the replica that joins the ring. */
function readTls(tls: TlsFiles): { cert: Buffer; key: Buffer; ca: Buffer } {
  const read = (key: (typeof TLS_FILES)[number]): Buffer => {
    try {
      return readFileSync(tls[key]);
    } catch (e) {
      throw new InvalidConfigError(`multiWorker(options).tls.${key}`, tls[key], `a readable PEM file (reading it failed: ${(e as Error).message})`, {
        cause: e,
      });
    }
  };
  return { cert: read('certFile'), key: read('keyFile'), ca: read('caFile') };
}

interface MultiWorkerGroup {
  readonly workerRank: number;
  readonly addresses: readonly string[];
  readonly timeoutMs: number;
  readonly listenAddress?: string;
  readonly tls?: TlsFiles;
  readonly shared?: SharedMemoryGroupDescriptor;
}

/** The ring among workers; `registered` when the replica uses it directly (it then keeps its gradients in the ring's registered space). */
function joinRing(g: MultiWorkerGroup, registered: boolean): Promise<Communicator> {
  const listenAddress = g.listenAddress || process.env[LISTEN_ADDRESS_ENV] || wildcardListenAddress(g.addresses[g.workerRank]!, g.workerRank);
  return createRingCommunicator({
    rank: g.workerRank,
    addresses: g.addresses,
    ...(listenAddress ? { listenAddress } : {}),
    ...(process.env[ACCEPT_FROM_ENV] === 'any' ? { acceptFrom: 'any' as const } : {}),
    timeoutMs: g.timeoutMs,
    ...(g.tls ? { tls: readTls(g.tls) } : {}),
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
      ...(o.tls ? { tls: { certFile: o.tls.certFile, keyFile: o.tls.keyFile, caFile: o.tls.caFile } } : {}),
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
 * @throws InvalidConfigError for an unknown option, or a `tls` option without all three files
 */
export function multiWorker(options: MultiWorkerOptions = {}): CommunicatorRef<MultiWorkerOptions> {
  checkOptionKeys('multiWorker', options, KNOWN);
  checkTls(options.tls);
  return communicatorRef({ name: 'multi-worker', isolation: 'any', multiWorker: true, module: __filename, export: 'multiWorkerProvider', options });
}
