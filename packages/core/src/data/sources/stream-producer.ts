/**
 * The reader thread's work: walk this worker's step plan from a given (epoch, step), find
 * each wanted stream position in the pass streams (pass-stream.ts), decode only those
 * records and push them into the prefetch ring. Records between wanted positions (other
 * workers' under DATA, earlier ones on resume) are skipped raw, never decoded.
 */
import { StepPlan, type StepPlanConfig } from '../step-plan';
import { passRecords, type PassConfig, type SourcedRecord } from './pass-stream';
import type { Labels } from '../../contracts/batch';
import { DataError } from '../../errors/data-error';
import { ACK, PRODUCER_WAITS, READ, ringLabels, STATE, WANTED, WRITTEN, type RingBuffers } from './prefetch-ring';
import type { RecordFormat } from './record-format';
import { recordFormat } from './record-formats';
import type { StreamSpec } from './stream-spec';

declare global {
  interface Atomics {
    /** Node >= 16 (ES2024): resolves when index is notified or the timeout passes. */
    waitAsync(
      typedArray: Int32Array,
      index: number,
      value: number,
      timeout?: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
}

/** Asynchronous decodes (images) kept in flight at once, so sharp's thread pool stays busy. */
const MAX_INFLIGHT_DECODES = 16;
/** Milliseconds between generation checks while the ring is full. */
const FULL_POLL_MS = 500;

/** Everything the reader thread is started with. */
export interface ProducerInit {
  readonly spec: StreamSpec;
  /** Indices (into spec.files) of the files this worker's stream reads. */
  readonly localFiles: readonly number[];
  /** Examples in one pass of those files. */
  readonly localSize: number;
  readonly pass: PassConfig;
  readonly plan: StepPlanConfig;
  readonly ring: RingBuffers;
}

/** Position-addressed reads of the endless stream pass 0, pass 1, ... (forward only). */
class StreamCursor {
  #pass = -1;
  #offset = 0;
  #it: AsyncIterator<SourcedRecord[]> | undefined;
  #batch: SourcedRecord[] = [];
  #at = 0;

  constructor(
    private readonly init: ProducerInit,
    private readonly format: RecordFormat,
  ) {}

  /** The record at stream position `pos` (>= every position asked before). */
  async at(pos: number): Promise<SourcedRecord> {
    const size = this.init.localSize;
    const pass = Math.floor(pos / size);
    const offset = pos - pass * size;
    if (pass !== this.#pass) {
      void this.#it?.return?.(undefined);
      this.#it = passRecords(this.init.localFiles, pass, this.init.pass, (f) => this.format.records(this.init.spec.files[f]!))[Symbol.asyncIterator]();
      this.#pass = pass;
      this.#offset = 0;
      this.#batch = [];
      this.#at = 0;
    }
    for (;;) {
      if (this.#at >= this.#batch.length) {
        const r = await this.#it!.next();
        if (r.done) throw new Error(`pass ${pass} ended after ${this.#offset} of ${size} records: a file changed since the data was opened`);
        this.#batch = r.value;
        this.#at = 0;
      }
      const skip = Math.min(offset - this.#offset, this.#batch.length - this.#at);
      this.#at += skip;
      this.#offset += skip;
      if (this.#offset === offset && this.#at < this.#batch.length) {
        this.#offset++;
        return this.#batch[this.#at++]!;
      }
    }
  }
}

export class StreamProducer {
  #gen = 0;
  readonly #ctrl: Int32Array;
  readonly #x: Float32Array;
  readonly #y: Labels;
  readonly #format: RecordFormat;

  constructor(
    readonly init: ProducerInit,
    private readonly fail: (gen: number, e: unknown) => void,
  ) {
    this.#ctrl = new Int32Array(init.ring.ctrl);
    this.#x = new Float32Array(init.ring.x);
    this.#y = ringLabels(init.ring, init.spec.labelKind);
    this.#format = recordFormat(init.spec);
  }

  /** The running generation (it settles once its in-flight decodes have landed). */
  #running: Promise<void> = Promise.resolve();

  /** Starts generation `gen` at (epoch, step) once the running one has stopped (at its next record). */
  start(gen: number, epoch: number, step: number): void {
    this.#gen = gen;
    const c = this.#ctrl;
    Atomics.store(c, WRITTEN, 0);
    Atomics.store(c, READ, 0);
    Atomics.store(c, STATE, 0);
    Atomics.store(c, ACK, gen);
    Atomics.notify(c, ACK);
    Atomics.notify(c, READ); // wakes the running generation if it waits for room, so it stops now
    this.#running = this.#running
      .then(() => (gen === this.#gen ? this.#run(gen, epoch, step) : undefined))
      .catch((e: unknown) => {
        if (gen === this.#gen) this.fail(gen, e);
      });
  }

  /** A decoded label as the ring stores it: class ids must be integers (never truncated). */
  #label(y: number, path: string, line: number): number {
    if (this.#y instanceof Int32Array && (y | 0) !== y) {
      throw new DataError(`${path} record ${line}: label ${y} is not an integer class id; a classification loss needs int32 class labels.`);
    }
    return y;
  }

  async #run(gen: number, epoch: number, step: number): Promise<void> {
    const plan = new StepPlan(this.init.plan);
    // A worker whose share of every step is empty (DATA over fewer examples than workers)
    // has nothing to read, ever: without this the loop below would spin forever without an
    // await, burning a core and never taking the next restart message.
    let perEpoch = 0;
    for (let s = 0; s < plan.stepsPerEpoch; s++) perEpoch += plan.range(0, s).count;
    if (perEpoch === 0) return;
    const cursor = new StreamCursor(this.init, this.#format);
    const { capacity, exampleLength } = this.init.ring;
    const c = this.#ctrl;
    const files = this.init.spec.files;
    /** Asynchronous decodes started and not yet published, in slot order. */
    const inflight: Promise<void>[] = [];
    let written = 0;
    const publish = (): void => {
      Atomics.store(c, WRITTEN, ++written);
      const wanted = Atomics.load(c, WANTED);
      if (wanted !== 0 && written >= wanted) Atomics.notify(c, WRITTEN);
    };
    try {
      for (let e = epoch; ; e++) {
        for (let s = e === epoch ? step : 0; s < plan.stepsPerEpoch; s++) {
          const { start, stride, count } = plan.range(e, s);
          for (let k = 0; k < count; k++) {
            const rec = await cursor.at(start + k * stride);
            while (written + inflight.length - Atomics.load(c, READ) >= capacity) {
              if (gen !== this.#gen) return;
              if (inflight.length > 0) {
                await inflight.shift();
                if (gen === this.#gen) publish();
                continue;
              }
              const read = Atomics.load(c, READ);
              Atomics.store(c, PRODUCER_WAITS, 1);
              if (written + inflight.length - Atomics.load(c, READ) >= capacity) {
                const w = Atomics.waitAsync(c, READ, read, FULL_POLL_MS);
                if (w.async) await w.value;
              }
              Atomics.store(c, PRODUCER_WAITS, 0);
            }
            if (gen !== this.#gen) return;
            const slot = (written + inflight.length) % capacity;
            const file = files[rec.file]!;
            const y = this.#format.decode(rec.raw, file, this.#x, slot * exampleLength);
            if (typeof y === 'number' && inflight.length === 0) {
              this.#y[slot] = this.#label(y, file.path, rec.raw.line);
              publish();
              continue;
            }
            const done = Promise.resolve(y).then((v) => void (this.#y[slot] = this.#label(v, file.path, rec.raw.line)));
            done.catch(() => undefined); // rethrown where it is awaited
            inflight.push(done);
            while (inflight.length >= MAX_INFLIGHT_DECODES) {
              await inflight.shift();
              if (gen !== this.#gen) return;
              publish();
            }
          }
        }
      }
    } finally {
      await Promise.allSettled(inflight); // a later generation must not find these writes in its slots
    }
  }
}
