// Worker entry for the shared-memory tests: attaches to the group as `rank` (blocking
// Atomics.wait mode) and runs each conformance program it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { runConformanceProgram, type ConformanceProgram } from '@syncline/core/testing';
import { attachSharedMemory } from '../src/shared-memory/shared-memory-communicator';
import type { SharedMemoryGroupDescriptor } from '../src/shared-memory/shared-memory-group';

const { descriptor, rank } = workerData as { descriptor: SharedMemoryGroupDescriptor; rank: number };
const comm = attachSharedMemory(descriptor, rank);
parentPort!.on('message', (msg: { program?: ConformanceProgram; close?: boolean }) => {
  if (msg.close) {
    void comm.close().then(() => parentPort!.close());
    return;
  }
  runConformanceProgram(comm, msg.program!).then(
    (results) => parentPort!.postMessage({ results }),
    (e: Error) => parentPort!.postMessage({ error: { name: e.name, message: e.message } }),
  );
});
parentPort!.postMessage({ ready: true });
