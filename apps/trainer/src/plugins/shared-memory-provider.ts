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

export const sharedMemoryProvider: CommunicatorProvider = {
  prepareGroup(size: number, options: unknown) {
    return createSharedMemoryGroup(size, { registeredBytes: REGISTERED_BYTES_PER_REPLICA, ...(options ?? {}) as { timeoutMs?: number } }).descriptor;
  },
  async join(group: unknown, rank: number) {
    return attachSharedMemory(group as SharedMemoryGroupDescriptor, rank);
  },
};
