/**
 * The CommunicatorProvider for replicas that are worker threads: a shared-memory group
 * from @syncline/collective, created on the coordinator, attached in each replica.
 * MirroredStrategy loads this module inside its replicas by file path.
 */
import type { CommunicatorProvider } from '@syncline/core';
import { attachSharedMemory, createSharedMemoryGroup, type SharedMemoryGroupDescriptor } from '@syncline/collective';

/**
 * Registered-buffer space per replica (shared memory here; the socket rings of the other
 * providers too): the replica host's gradient buffer lives there when it fits (models up
 * to 16M parameters), so the all-reduce copies nothing in or out. Reserved, not touched:
 * pages are backed only as they are used.
 */
export const REGISTERED_BYTES_PER_REPLICA = 64 << 20;
/** A shared-memory group's registered space in all: a group is one 4 GiB WebAssembly memory, slots included. */
const REGISTERED_BYTES_PER_GROUP = 2 ** 31;

/** Registered space per replica of a `size`-replica shared-memory group: 64 MiB, less when many replicas share the memory. */
export function registeredBytesPerReplica(size: number): number {
  return Math.min(REGISTERED_BYTES_PER_REPLICA, Math.floor(REGISTERED_BYTES_PER_GROUP / size / 65536) * 65536);
}

export const sharedMemoryProvider: CommunicatorProvider = {
  prepareGroup(size: number, options: unknown) {
    return createSharedMemoryGroup(size, { registeredBytes: registeredBytesPerReplica(size), ...(options ?? {}) as { timeoutMs?: number } }).descriptor;
  },
  async join(group: unknown, rank: number) {
    return attachSharedMemory(group as SharedMemoryGroupDescriptor, rank);
  },
};
