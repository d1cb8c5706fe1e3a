import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describeCommunicatorConformance, inProcessCommunicatorGroup } from '@syncline/core/testing';
import { ProtocolError, type Communicator } from '@syncline/core';
import { createRingCommunicator } from './ring-communicator';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-ring-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let groupNo = 0;

describeCommunicatorConformance(
  'ring over Unix sockets (ranks in one event loop)',
  async (n) => {
    const g = groupNo++;
    const addresses = Array.from({ length: n }, (_, r) => join(dir, `g${g}-r${r}.sock`));
    const comms = await Promise.all(
      addresses.map((_, rank) =>
        createRingCommunicator({ rank, addresses, insecure: true, timeoutMs: 20_000, chunkBytes: 64 << 10, smallBytes: 4 << 10, registeredBytes: 8 << 20 }),
      ),
    );
    return inProcessCommunicatorGroup(comms);
  },
  { registered: true },
);

describeCommunicatorConformance(
  'ring over TCP loopback with a token (large-message path only; a 16 KiB send buffer, so writes return part-done)',
  async (n) => {
    const ports = await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<number>((res) => {
            const s = createServer();
            s.listen(0, '127.0.0.1', () => {
              const p = (s.address() as { port: number }).port;
              s.close(() => res(p));
            });
          }),
      ),
    );
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    const comms = await Promise.all(
      addresses.map((_, rank) =>
        createRingCommunicator({
          rank,
          addresses,
          authToken: 'conformance',
          timeoutMs: 20_000,
          chunkBytes: 4096,
          smallBytes: 0,
          sendBufferBytes: 16 << 10,
          listenAddress: rank === 0 ? `0.0.0.0:${ports[0]}` : undefined,
        }),
      ),
    );
    return inProcessCommunicatorGroup(comms);
  },
  { sizes: [2, 3] },
);

describe('ring: ranks that disagree', () => {
  it.each([
    ['sizes', (c: Communicator) => c.allReduce(new Float32Array(c.rank === 0 ? 100_000 : 100_001), 'sum')],
    ['ops', (c: Communicator) => (c.rank === 0 ? c.broadcast(new Float32Array(10), 0) : c.allReduce(new Float32Array(10), 'sum'))],
  ])("on %s: ranks fail with ProtocolError, and every rank's next op rejects", async (what, op) => {
    const addresses = [0, 1, 2].map((r) => join(dir, `disagree-${what}-${r}.sock`));
    const comms = await Promise.all(addresses.map((_, rank) => createRingCommunicator({ rank, addresses, insecure: true, timeoutMs: 10_000 })));
    const results = await Promise.allSettled(comms.map((c) => op(c)));
    // a broadcast root never receives in that op, so it may only learn of the mismatch at its next op
    const mustFail = what === 'ops' ? [1, 2] : [0, 1, 2];
    for (const r of mustFail) {
      expect(results[r]!.status).toBe('rejected');
      expect((results[r] as PromiseRejectedResult).reason).toBeInstanceOf(ProtocolError);
    }
    const detector = what === 'ops' ? 1 : 0;
    expect(String((results[detector] as PromiseRejectedResult).reason.message)).toMatch(/predecessor sent|reported round the ring/);
    const next = await Promise.allSettled(comms.map((c) => c.barrier()));
    expect(next.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await Promise.all(comms.map((c) => c.close()));
  });
});

describe('ring: registered buffers', () => {
  it('hands out zeroed arrays until the space is used up, and refuses a bad registeredBytes by name', async () => {
    const c = await createRingCommunicator({ rank: 0, addresses: [join(dir, 'reg-0.sock')], insecure: true, registeredBytes: 4096 });
    const a = c.allocate!(1000)!;
    expect(a).toEqual(new Float32Array(1000));
    expect(c.allocate!(24)).toBeUndefined(); // 1000 rounds up to 1008 of 1024
    expect(c.allocate!(16)!.length).toBe(16);
    await c.close();
    const none = await createRingCommunicator({ rank: 0, addresses: [join(dir, 'reg-1.sock')], insecure: true });
    expect(none.allocate!(1)).toBeUndefined();
    await none.close();
    await expect(createRingCommunicator({ rank: 0, addresses: [join(dir, 'reg-2.sock')], insecure: true, registeredBytes: -4 })).rejects.toThrow(
      /registeredBytes/,
    );
  });
});
