import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCommunicatorConformance, inProcessCommunicatorGroup } from '@syncline/core/testing';
import { createRingCommunicator } from './ring-communicator';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'syncline-ring-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let groupNo = 0;

describeCommunicatorConformance('ring over Unix sockets (ranks in one event loop)', async (n) => {
  const g = groupNo++;
  const addresses = Array.from({ length: n }, (_, r) => join(dir, `g${g}-r${r}.sock`));
  const comms = await Promise.all(addresses.map((_, rank) =>
    createRingCommunicator({ rank, addresses, insecure: true, timeoutMs: 20_000, chunkBytes: 64 << 10, smallBytes: 4 << 10 })));
  return inProcessCommunicatorGroup(comms);
});
