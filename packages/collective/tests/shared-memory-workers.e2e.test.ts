// The shared-memory communicator with ranks in real worker_threads (blocking Atomics.wait),
// plus its failure modes: a rank that never arrives and a worker that dies mid-op.
import type { Worker } from 'node:worker_threads';
import { tsWorker } from './ts-worker';
import { join } from 'node:path';
import { CollectiveTimeoutError, WorkerLostError } from '@syncline/core';
import { describeCommunicatorConformance, type CommunicatorGroup, type ConformanceProgram, type ConformanceRankResult } from '@syncline/core/testing';
import { createSharedMemoryGroup, type SharedMemoryGroup } from '../src/shared-memory/shared-memory-group';
import { attachSharedMemory } from '../src/shared-memory/shared-memory-communicator';

const WORKER = join(__dirname, 'shared-memory-worker.ts');

function startWorker(group: SharedMemoryGroup, rank: number): Promise<Worker> {
  const w = tsWorker(WORKER, { workerData: { descriptor: group.descriptor, rank } });
  return new Promise((resolve, reject) => {
    w.once('message', () => resolve(w));
    w.once('error', reject);
  });
}

function ask(w: Worker, program: ConformanceProgram): Promise<ConformanceRankResult> {
  return new Promise((resolve, reject) => {
    w.once('message', (m: { results?: ConformanceRankResult; error?: { name: string; message: string } }) =>
      m.results ? resolve(m.results) : reject(Object.assign(new Error(m.error!.message), { name: m.error!.name })),
    );
  });
}

async function workerGroup(n: number, timeoutMs = 20_000): Promise<CommunicatorGroup & { workers: Worker[]; group: SharedMemoryGroup }> {
  const group = createSharedMemoryGroup(n, { slotBytes: 512 << 10, timeoutMs, registeredBytes: 8 << 20 });
  const workers = await Promise.all(Array.from({ length: n }, (_, r) => startWorker(group, r)));
  return {
    size: n,
    workers,
    group,
    run: (program) =>
      Promise.all(
        workers.map((w) => {
          const p = ask(w, program);
          w.postMessage({ program });
          return p;
        }),
      ),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

describeCommunicatorConformance('shared-memory (worker_threads, Atomics.wait)', (n) => workerGroup(n), { sizes: [2, 4], sharded: true, registered: true });

describe('shared-memory failures', () => {
  it('a rank that never arrives: CollectiveTimeoutError naming the pending rank, within the timeout', async () => {
    const g = createSharedMemoryGroup(3, { timeoutMs: 300 });
    const comms = [0, 1, 2].map((r) => attachSharedMemory(g.descriptor, r, { blocking: false }));
    const results = await Promise.allSettled([comms[0]!.allReduce(new Float32Array(10), 'sum'), comms[1]!.allReduce(new Float32Array(10), 'sum')]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const e = (r as PromiseRejectedResult).reason;
      expect(e).toBeInstanceOf(CollectiveTimeoutError);
      expect(e.pendingRanks).toEqual([2]);
      expect(e.message).toMatch(/allReduce #0 timed out/);
    }
    await expect(comms[0]!.barrier()).rejects.toBeInstanceOf(CollectiveTimeoutError);
    await Promise.all(comms.map((c) => c.close()));
  });

  it('a worker killed mid-op: the others fail with WorkerLostError naming it (markLost on exit)', async () => {
    const g = await workerGroup(3, 60_000);
    g.workers[2]!.on('exit', () => g.group.markLost(2));
    const big: ConformanceProgram = { ops: [{ kind: 'allReduce', op: 'sum', length: 1 << 20, seed: 1 }] };
    const p0 = ask(g.workers[0]!, big);
    const p1 = ask(g.workers[1]!, big);
    g.workers[0]!.postMessage({ program: big });
    g.workers[1]!.postMessage({ program: big });
    await g.workers[2]!.terminate();
    for (const p of [p0, p1]) await expect(p).rejects.toMatchObject({ name: 'WorkerLostError', message: expect.stringMatching(/Lost rank 2 .*allReduce #0/) });
    await g.close();
    expect(WorkerLostError).toBeDefined();
  });

  it('ranks that disagree on the op fail with ProtocolError naming both ops', async () => {
    const g = createSharedMemoryGroup(2, { timeoutMs: 5_000 });
    const [a, b] = [0, 1].map((r) => attachSharedMemory(g.descriptor, r, { blocking: false }));
    const res = await Promise.allSettled([a!.allReduce(new Float32Array(4), 'sum'), b!.broadcast(new Float32Array(4), 0)]);
    expect(res.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((res[0] as PromiseRejectedResult).reason.message)).toMatch(/broadcast\(root 0\) #0 of 4 floats|disagreeing/);
    await Promise.all([a!.close(), b!.close()]);
  });
});
