/**
 * The CommunicatorProvider for replicas that are worker threads: a shared-memory group
 * from @syncline/collective, created on the coordinator, attached in each replica.
 * MirroredStrategy loads this module inside its replicas by file path.
 */
import type { CommunicatorProvider } from '@syncline/core';
import { attachSharedMemory, createSharedMemoryGroup, type SharedMemoryGroupDescriptor } from '@syncline/collective';

export const sharedMemoryProvider: CommunicatorProvider = {
  prepareGroup(size: number, options: unknown) {
    return createSharedMemoryGroup(size, (options ?? {}) as { timeoutMs?: number }).descriptor;
  },
  async join(group: unknown, rank: number) {
    return attachSharedMemory(group as SharedMemoryGroupDescriptor, rank);
  },
};
