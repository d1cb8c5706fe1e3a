import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
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

describeCommunicatorConformance('ring over TCP loopback with a token (large-message path only)', async (n) => {
  const ports = await Promise.all(Array.from({ length: n }, () => new Promise<number>((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); });
  })));
  const addresses = ports.map((p) => `127.0.0.1:${p}`);
  const comms = await Promise.all(addresses.map((_, rank) =>
    createRingCommunicator({ rank, addresses, authToken: 'conformance', timeoutMs: 20_000, chunkBytes: 4096, smallBytes: 0 })));
  return inProcessCommunicatorGroup(comms);
}, { sizes: [2, 3] });
