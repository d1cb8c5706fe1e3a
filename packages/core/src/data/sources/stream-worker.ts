/**
 * Entry of a StreamSource's reader thread: reads, parses and decodes off the pipeline's
 * (and the replicas') threads into the prefetch ring. Messages: {gen, epoch, step} restarts.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { STATE, STATE_FAILED, WRITTEN, type RingError } from './prefetch-ring';
import { StreamProducer, type ProducerInit } from './stream-producer';

const { init, errors } = workerData as { init: ProducerInit; errors: MessagePort };
const ctrl = new Int32Array(init.ring.ctrl);
const producer = new StreamProducer(init, (gen, e) => {
  const err = e instanceof Error ? e : new Error(String(e));
  errors.postMessage({ gen, name: err.name, message: err.message } satisfies RingError);
  Atomics.store(ctrl, STATE, STATE_FAILED);
  Atomics.notify(ctrl, WRITTEN);
});
parentPort!.on('message', (m: { gen: number; epoch: number; step: number }) => producer.start(m.gen, m.epoch, m.step));
