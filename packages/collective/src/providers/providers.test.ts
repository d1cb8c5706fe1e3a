/**
 * The communicator references strategies take: each names a module that exports its
 * provider, refuses unknown options by name, and the provider it names passes the
 * communicator conformance suite through prepareGroup/join, as a strategy drives it.
 */
import { InvalidConfigError, type CommunicatorProvider, type CommunicatorRef, type GroupContext } from '@syncline/core';
import { describeCommunicatorConformance, inProcessCommunicatorGroup } from '@syncline/core/testing';
import type { SharedMemoryGroupDescriptor } from '../shared-memory/shared-memory-group';
import { multiWorker, multiWorkerProvider } from './multi-worker-provider';
import { freePorts } from '../../tests/ring-harness';
import { REGISTERED_BYTES_PER_REPLICA, registeredBytesPerReplica } from './provider-options';
import { sharedMemory, sharedMemoryProvider } from './shared-memory-provider';
import { socketRing, socketRingProvider } from './socket-ring-provider';

const THREADS: GroupContext = { timeoutMs: 20_000, isolation: 'thread', workerRank: 0, workerAddresses: ['localhost'] };

/** What core does with a reference: load the named module and take the named export. */
function providerOf(ref: CommunicatorRef): CommunicatorProvider {
  return (require(ref.module) as Record<string, CommunicatorProvider>)[ref.export]!;
}

describe('communicator references', () => {
  it.each([
    ['sharedMemory', sharedMemory(), sharedMemoryProvider, 'thread'],
    ['socketRing', socketRing(), socketRingProvider, 'any'],
    ['multiWorker', multiWorker(), multiWorkerProvider, 'any'],
  ] as const)('%s() names a module whose export is its provider, and says which isolation it serves', (_, ref, provider, isolation) => {
    expect(ref.kind).toBe('communicator');
    expect(ref.isolation).toBe(isolation);
    expect(providerOf(ref)).toBe(provider);
    expect(structuredClone(ref)).toEqual(ref);
  });

  it('only multiWorker() spans a cluster', () => {
    expect(multiWorker().multiWorker).toBe(true);
    expect(sharedMemory().multiWorker).toBeUndefined();
    expect(socketRing().multiWorker).toBeUndefined();
  });

  it('refuses an unknown option by name instead of ignoring it', () => {
    expect(() => sharedMemory({ timeoutMS: 5 } as never)).toThrow(InvalidConfigError);
    expect(() => sharedMemory({ timeoutMS: 5 } as never)).toThrow(
      /sharedMemory\(options\)\.timeoutMS .*known: slotBytes, registeredBytes, timeoutMs, spinMicros/,
    );
    expect(() => socketRing({ authToken: 'x' } as never)).toThrow(/socketRing\(options\)\.authToken/);
    expect(() => multiWorker({ addresses: [] } as never)).toThrow(/multiWorker\(options\)\.addresses/);
  });

  it('refuses options that cannot travel to the replicas', () => {
    expect(() => sharedMemory({ timeoutMs: (() => 5) as never })).toThrow(/shared-memory options .*plain data/);
  });
});

describe('sharedMemoryProvider', () => {
  it('gives each replica 64 MiB of registered space, less when many replicas share one 4 GiB memory', () => {
    expect(registeredBytesPerReplica(2)).toBe(REGISTERED_BYTES_PER_REPLICA);
    expect(registeredBytesPerReplica(32)).toBe(REGISTERED_BYTES_PER_REPLICA);
    expect(registeredBytesPerReplica(64)).toBe(32 << 20);
    expect(registeredBytesPerReplica(256)).toBe(8 << 20);
  });

  it("prepares groups up to the largest size a group allows, with the strategy's timeout unless the reference sets one", async () => {
    for (const size of [2, 64, 256]) {
      const d = (await sharedMemoryProvider.prepareGroup(size, {}, THREADS)) as SharedMemoryGroupDescriptor;
      expect(d.size).toBe(size);
      expect(d.registeredFloats * 4).toBe(registeredBytesPerReplica(size));
      expect(d.timeoutMs).toBe(THREADS.timeoutMs);
    }
    const own = (await sharedMemoryProvider.prepareGroup(2, { timeoutMs: 1234 }, THREADS)) as SharedMemoryGroupDescriptor;
    expect(own.timeoutMs).toBe(1234);
  });
});

describeCommunicatorConformance(
  'socketRing() provider (ranks in one event loop)',
  async (n) => {
    const group = await socketRingProvider.prepareGroup(n, { chunkBytes: 64 << 10 }, THREADS);
    const comms = await Promise.all(Array.from({ length: n }, (_, rank) => socketRingProvider.join(group, rank, {})));
    const inner = inProcessCommunicatorGroup(comms);
    return {
      ...inner,
      close: async () => {
        await inner.close();
        await socketRingProvider.releaseGroup?.(group);
      },
    };
  },
  { sizes: [1, 3], registered: true },
);

describeCommunicatorConformance(
  'multiWorker() provider (one replica per worker, workers in one event loop, TCP loopback)',
  async (n) => {
    process.env.SYNCLINE_AUTH_TOKEN ??= 'multi-worker-provider-test';
    const workerAddresses = (await freePorts(n)).map((port) => `127.0.0.1:${port}`);
    const groups = await Promise.all(
      workerAddresses.map((_, workerRank) => multiWorkerProvider.prepareGroup(1, {}, { timeoutMs: 20_000, isolation: 'thread', workerRank, workerAddresses })),
    );
    return inProcessCommunicatorGroup(await Promise.all(groups.map((g) => multiWorkerProvider.join(g, 0, {}))));
  },
  { sizes: [2, 3] },
);

describe('multiWorkerProvider', () => {
  it('needs the cluster from the strategy, and one replica per worker process', () => {
    expect(() => multiWorkerProvider.prepareGroup(1, {})).toThrow(/MultiWorkerMirroredStrategy/);
    expect(() => multiWorkerProvider.prepareGroup(2, {}, { ...THREADS, isolation: 'process' })).toThrow(
      /replicasPerWorker is 2; expected 1 with isolation "process"/,
    );
  });
});
