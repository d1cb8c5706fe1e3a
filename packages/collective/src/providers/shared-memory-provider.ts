/**
 * `sharedMemory()`: the communicator for replicas that are worker threads of one process
 * (MirroredStrategy's default isolation). The coordinator creates a shared-memory group;
 * each replica attaches to it. The reference names this module, which exports the provider.
 */
import { communicatorRef, type CommunicatorProvider, type CommunicatorRef, type GroupContext } from '@syncline/core';
import { createSharedMemoryGroup, type SharedMemoryGroupDescriptor, type SharedMemoryGroupOptions } from '../shared-memory/shared-memory-group';
import { attachSharedMemory } from '../shared-memory/shared-memory-communicator';
import { checkOptionKeys, registeredBytesPerReplica } from './provider-options';

/** Options of `sharedMemory()`; each defaults as in createSharedMemoryGroup, the timeout to the strategy's. */
export type SharedMemoryOptions = Pick<SharedMemoryGroupOptions, 'slotBytes' | 'registeredBytes' | 'timeoutMs' | 'spinMicros'>;

const KNOWN: readonly (keyof SharedMemoryOptions)[] = ['slotBytes', 'registeredBytes', 'timeoutMs', 'spinMicros'];

export const sharedMemoryProvider: CommunicatorProvider = {
  prepareGroup(size: number, options: unknown, context?: GroupContext): SharedMemoryGroupDescriptor {
    const o = (options ?? {}) as SharedMemoryOptions;
    return createSharedMemoryGroup(size, {
      registeredBytes: registeredBytesPerReplica(size),
      ...(context ? { timeoutMs: context.timeoutMs } : {}),
      ...o,
    }).descriptor;
  },
  async join(group: unknown, rank: number) {
    return attachSharedMemory(group as SharedMemoryGroupDescriptor, rank);
  },
};

/**
 * The shared-memory communicator, for `isolation: 'thread'` replicas.
 * @throws InvalidConfigError for an unknown option
 */
export function sharedMemory(options: SharedMemoryOptions = {}): CommunicatorRef<SharedMemoryOptions> {
  checkOptionKeys('sharedMemory', options, KNOWN);
  return communicatorRef({ name: 'shared-memory', isolation: 'thread', module: __filename, export: 'sharedMemoryProvider', options });
}
