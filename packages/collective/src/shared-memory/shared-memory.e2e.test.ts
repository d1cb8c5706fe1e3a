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

describe('registered buffers', () => {
  it("hands out zeroed, 64-byte-aligned arrays of the rank's own space until it is used up", async () => {
    const g = createSharedMemoryGroup(2, { slotBytes: 1024, registeredBytes: 1000 });
    const [c0, c1] = [0, 1].map((r) => attachSharedMemory(g.descriptor, r, { blocking: false }));
    const a = c0!.allocate!(100)!;
    const b = c0!.allocate!(100)!;
    expect(a).toEqual(new Float32Array(100));
    expect(b.byteOffset - a.byteOffset).toBe(448); // 100 floats rounded up to 16
    expect(c0!.allocate!(100)).toBeUndefined(); // 250 floats per rank: 112 + 100 + 100 > 250 (aligned)
    const other = c1!.allocate!(200)!;
    expect(other.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 250 * 4);
    other.fill(1);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(() => c0!.allocate!(-1)).toThrow(/length/);
    await Promise.all([c0!.close(), c1!.close()]);
  });

  it('refuses a registered space that is negative or does not fit one 4 GiB WebAssembly memory', () => {
    expect(() => createSharedMemoryGroup(2, { registeredBytes: -1 })).toThrow(/registeredBytes/);
    expect(() => createSharedMemoryGroup(4, { registeredBytes: 2 ** 30 })).toThrow(/registeredBytes.*MiB per rank for 4 ranks/);
  });

  it('without registered space, allocate returns undefined (callers fall back to plain arrays)', async () => {
    const c = attachSharedMemory(createSharedMemoryGroup(1).descriptor, 0, { blocking: false });
    expect(c.allocate!(1)).toBeUndefined();
    expect(c.allocate!(0)).toEqual(new Float32Array(0));
    await c.close();
  });
});
