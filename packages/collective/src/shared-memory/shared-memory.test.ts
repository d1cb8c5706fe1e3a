import { describeCommunicatorConformance, inProcessCommunicatorGroup } from '@syncline/core/testing';
import { createSharedMemoryGroup } from './shared-memory-group';
import { attachSharedMemory } from './shared-memory-communicator';

describeCommunicatorConformance(
  'shared-memory (ranks on the main thread, Atomics.waitAsync)',
  async (n) => {
    const g = createSharedMemoryGroup(n, { slotBytes: 256 << 10, timeoutMs: 20_000, registeredBytes: 8 << 20 });
    return inProcessCommunicatorGroup(Array.from({ length: n }, (_, r) => attachSharedMemory(g.descriptor, r, { blocking: false })));
  },
  { sharded: true, registered: true },
);
