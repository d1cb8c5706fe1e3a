/**
 * The pipeline's side of a reader thread: starts it, restarts it at another (epoch, step),
 * and takes decoded examples out of the prefetch ring in the order the step plan gives.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Labels } from '../../contracts/batch';
import { DataError } from '../../errors/data-error';
import { siblingModule } from '../../internal/replica/sibling-module';
import { ACK, allocRing, PRODUCER_WAITS, READ, ringLabels, STATE, STATE_FAILED, WANTED, WRITTEN, type RingError } from './prefetch-ring';
import type { ProducerInit } from './stream-producer';

/** A consumer waiting longer than this for one example gives up (the reader is stuck or gone). */
export const READ_STALL_MS = 120_000;
/** Wait slices, so a dead reader is noticed. */
const WAIT_SLICE_MS = 1_000;

function readerEntry(): { file: string; execArgv: string[] } {
  const file = siblingModule(__dirname, 'stream-worker', 'data/sources', '@syncline/core');
  return { file, execArgv: file.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [] };
}

export class StreamReader {
  readonly #worker: Worker;
  readonly #errors: MessagePort;
  readonly #ctrl: Int32Array;
  readonly #x: Float32Array;
  readonly #y: Labels;
  readonly #len: number;
  readonly #cap: number;
  #gen = 0;
  #read = 0;
  #exited: string | undefined;

  constructor(init: Omit<ProducerInit, 'ring'>, capacity: number) {
    const ring = allocRing(
      capacity,
      init.spec.exampleShape.reduce((a, b) => a * b, 1),
    );
    this.#ctrl = new Int32Array(ring.ctrl);
    this.#x = new Float32Array(ring.x);
    this.#y = ringLabels(ring, init.spec.labelKind);
    this.#len = ring.exampleLength;
    this.#cap = capacity;
    const { port1, port2 } = new MessageChannel();
    this.#errors = port1;
    const entry = readerEntry();
    this.#worker = new Worker(entry.file, { execArgv: entry.execArgv, workerData: { init: { ...init, ring }, errors: port2 }, transferList: [port2] });
    this.#worker.on('exit', (code) => (this.#exited = `exited with code ${code}`));
    this.#worker.on('error', (e) => (this.#exited = e.message));
    this.#worker.unref();
    port1.unref();
  }

  /** Restarts the reader so that the next example read is the first of (epoch, step). */
  restart(epoch: number, step: number): void {
    const gen = ++this.#gen;
    this.#worker.postMessage({ gen, epoch, step });
    this.#waitFor(
      () => Atomics.load(this.#ctrl, ACK) === gen,
      ACK,
      () => Atomics.load(this.#ctrl, ACK),
    );
    this.#read = 0;
  }

  /** Copies the next `count` examples into x (from 0) and y. Throws DataError for a reader failure or stall. */
  take(count: number, x: Float32Array, y: Labels): void {
    const c = this.#ctrl;
    const len = this.#len;
    for (let k = 0; k < count; k++) {
      if (Atomics.load(c, WRITTEN) <= this.#read) {
        // sleep until the rest of this batch is there (a ring's worth at most), not example by example
        const target = this.#read + Math.min(count - k, this.#cap);
        this.#waitFor(
          () => Atomics.load(c, WRITTEN) >= target,
          WRITTEN,
          () => Atomics.load(c, WRITTEN),
          target,
        );
      }
      const slot = this.#read % this.#cap;
      x.set(this.#x.subarray(slot * len, slot * len + len), k * len);
      y[k] = this.#y[slot]!;
      Atomics.store(c, READ, ++this.#read);
      if (Atomics.load(c, PRODUCER_WAITS) !== 0) Atomics.notify(c, READ);
    }
  }

  /** Stops the reader thread. */
  async close(): Promise<void> {
    this.#errors.close();
    await this.#worker.terminate();
  }

  /** Waits until `done()`; `wanted` (the WRITTEN count waited for) tells the producer when to notify. */
  #waitFor(done: () => boolean, index: number, value: () => number, wanted = 0): void {
    const deadline = Date.now() + READ_STALL_MS;
    while (!done()) {
      if (Atomics.load(this.#ctrl, STATE) === STATE_FAILED) this.#throwFailure();
      if (this.#exited) throw new DataError(`The data reader thread stopped (${this.#exited}); see the errors above.`);
      if (Date.now() > deadline)
        throw new DataError(`The data reader thread gave no example for ${READ_STALL_MS / 1000} s; is the data on a stalled disk or network mount?`);
      const seen = value();
      Atomics.store(this.#ctrl, WANTED, wanted);
      if (!done()) Atomics.wait(this.#ctrl, index, seen, WAIT_SLICE_MS);
      Atomics.store(this.#ctrl, WANTED, 0);
    }
  }

  #throwFailure(): never {
    let last: RingError | undefined;
    for (let m = receiveMessageOnPort(this.#errors); m; m = receiveMessageOnPort(this.#errors)) last = m.message as RingError;
    if (last?.name === 'DataError') throw new DataError(last.message);
    throw new DataError(`The data reader failed: ${last ? `${last.name}: ${last.message}` : 'no reason given'}.`);
  }
}
