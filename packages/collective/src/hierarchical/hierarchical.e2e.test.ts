import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError } from '@syncline/core';
import { describeCommunicatorConformance, inProcessCommunicatorGroup } from '@syncline/core/testing';
import { createSharedMemoryGroup } from '../shared-memory/shared-memory-group';
import { attachSharedMemory } from '../shared-memory/shared-memory-communicator';
import { createRingCommunicator } from '../ring/ring-communicator';
import { createHierarchicalCommunicator } from './hierarchical-communicator';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-hier-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LAYOUT: Record<number, [hosts: number, perHost: number]> = { 1: [1, 1], 2: [2, 1], 4: [2, 2], 6: [3, 2] };
let groupNo = 0;

describeCommunicatorConformance(
  'hierarchical (shared memory per "host" + Unix ring among leaders, one process)',
  async (n) => {
    const [hosts, k] = LAYOUT[n]!;
    const g = groupNo++;
    const addresses = Array.from({ length: hosts }, (_, h) => join(dir, `g${g}-h${h}.sock`));
    const leaders = await Promise.all(
      addresses.map((_, rank) => createRingCommunicator({ rank, addresses, insecure: true, timeoutMs: 20_000, smallBytes: 1024 })),
    );
    const comms = [];
    for (let h = 0; h < hosts; h++) {
      const shm = createSharedMemoryGroup(k, { slotBytes: 256 << 10, timeoutMs: 20_000, registeredBytes: 8 << 20 });
      for (let r = 0; r < k; r++)
        comms.push(
          createHierarchicalCommunicator({
            local: attachSharedMemory(shm.descriptor, r, { blocking: false }),
            leaders: leaders[h],
            hostIndex: h,
            hostCount: hosts,
          }),
        );
    }
    comms.forEach((c, i) => expect(c.rank).toBe(i));
    return inProcessCommunicatorGroup(comms);
  },
  { sizes: [1, 2, 4, 6], registered: true },
);

it('a leader without a leader ring is a config error', () => {
  const shm = createSharedMemoryGroup(1);
  expect(() => createHierarchicalCommunicator({ local: attachSharedMemory(shm.descriptor, 0, { blocking: false }), hostIndex: 0, hostCount: 2 })).toThrow(
    InvalidConfigError,
  );
});
