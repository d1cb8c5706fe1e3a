import type { SharedMemoryGroupDescriptor } from '@syncline/collective';
import { REGISTERED_BYTES_PER_REPLICA, registeredBytesPerReplica, sharedMemoryProvider } from './shared-memory-provider';

describe('shared-memory provider', () => {
  it('gives each replica 64 MiB of registered space, less when many replicas share one 4 GiB memory', () => {
    expect(registeredBytesPerReplica(2)).toBe(REGISTERED_BYTES_PER_REPLICA);
    expect(registeredBytesPerReplica(32)).toBe(REGISTERED_BYTES_PER_REPLICA);
    expect(registeredBytesPerReplica(64)).toBe(32 << 20);
    expect(registeredBytesPerReplica(256)).toBe(8 << 20);
  });

  it('prepares groups up to the largest size a group allows (the registered space never makes it refuse)', async () => {
    for (const size of [2, 64, 256]) {
      const d = (await sharedMemoryProvider.prepareGroup(size, {})) as SharedMemoryGroupDescriptor;
      expect(d.size).toBe(size);
      expect(d.registeredFloats * 4).toBe(registeredBytesPerReplica(size));
    }
  });
});
