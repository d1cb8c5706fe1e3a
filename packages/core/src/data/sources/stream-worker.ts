/**
 * Entry of a StreamSource's reader thread: reads, parses and decodes off the pipeline's
 * (and the replicas') threads into the prefetch ring. Messages: {gen, epoch, step} restarts.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { STATE, STATE_FAILED, WRITTEN, type RingError } from './prefetch-ring';
import { StreamProducer, type ProducerInit } from './stream-producer';

const { init, errors } = workerData as { init: ProducerInit; errors: MessagePort };
const ctrl = new Int32Array(init.ring.ctrl);
const report = (gen: number, e: unknown): void => {
  const err = e instanceof Error ? e : new Error(String(e));
  errors.postMessage({ gen, name: err.name, message: err.message } satisfies RingError);
  Atomics.store(ctrl, STATE, STATE_FAILED);
  Atomics.notify(ctrl, WRITTEN);
};
const producer = new StreamProducer(init, report);
// The consumer blocks its thread while it waits, so it never sees this thread's 'exit' event:
// a crash must reach it through the ring's state, not as a silent stall.
process.on('uncaughtException', (e) => report(-1, e));
process.on('unhandledRejection', (e) => report(-1, e));
parentPort!.on('message', (m: { gen: number; epoch: number; step: number }) => producer.start(m.gen, m.epoch, m.step));
