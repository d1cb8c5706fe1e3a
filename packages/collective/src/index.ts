/**
 * @syncline/collective: implementations of core's Communicator contract.
 * - shared memory, for ranks that are worker_threads of one process;
 * - a ring over Unix or TCP sockets, for processes and hosts (authenticated, never hangs);
 * - hierarchical (shared memory inside a host, ring across hosts);
 * - fusion (buckets of `bytesPerPack`) and fp16 wire compression helpers;
 * - the references strategies take: `sharedMemory()` (threads), `socketRing()` (processes),
 *   `multiWorker()` (a TF_CONFIG cluster), each naming its provider export below.
 * Every export is named here; nothing else is public.
 */

// --- communicator references for strategies, and the providers they name ---
export { sharedMemory, sharedMemoryProvider } from './providers/shared-memory-provider';
export type { SharedMemoryOptions } from './providers/shared-memory-provider';
export { socketRing, socketRingProvider } from './providers/socket-ring-provider';
export type { SocketRingOptions } from './providers/socket-ring-provider';
export { multiWorker, multiWorkerProvider, LISTEN_ADDRESS_ENV } from './providers/multi-worker-provider';
export type { MultiWorkerOptions } from './providers/multi-worker-provider';
export { REGISTERED_BYTES_PER_REPLICA, registeredBytesPerReplica } from './providers/provider-options';

// --- shared memory ---
export { createSharedMemoryGroup, DEFAULT_SLOT_BYTES } from './shared-memory/shared-memory-group';
export type { SharedMemoryGroup, SharedMemoryGroupDescriptor, SharedMemoryGroupOptions } from './shared-memory/shared-memory-group';
export { attachSharedMemory } from './shared-memory/shared-memory-communicator';
export type { AttachOptions } from './shared-memory/shared-memory-communicator';

// --- socket ring ---
export { createRingCommunicator } from './ring/ring-communicator';
export {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_SMALL_BYTES,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_BUSY_POLL_US,
} from './ring/ring-options';
export type { RingCommunicatorOptions } from './ring/ring-options';
export { unixSocketAddresses, wildcardListenAddress } from './ring/address';
export type { RingTlsOptions } from './ring/rendezvous';
export { AUTH_TOKEN_ENV, AUTH_TOKEN_FILE_ENV } from './ring/auth';

// --- hierarchical ---
export { createHierarchicalCommunicator } from './hierarchical/hierarchical-communicator';
export type { HierarchicalOptions } from './hierarchical/hierarchical-communicator';

// --- fusion and compression ---
export { planBuckets } from './fusion/bucket-plan';
export type { Bucket } from './fusion/bucket-plan';
export { FusedAllReduce, DEFAULT_BYTES_PER_PACK } from './fusion/fused-all-reduce';
export type { FusionOptions } from './fusion/fused-all-reduce';
export { allReduceFp16, FP16_UNIT_ROUNDOFF } from './fusion/fp16-all-reduce';
export { toHalf, fromHalf, encodeHalf, decodeHalf } from './fusion/fp16';
