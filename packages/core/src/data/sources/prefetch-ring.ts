/**
 * The bounded queue between the reader thread and the pipeline: decoded examples in a
 * ring of SharedArrayBuffer slots, with Atomics counters for backpressure both ways.
 *
 * Protocol:
 * 1. The reader writes example number w into slot w mod capacity, then publishes
 *    WRITTEN = w + 1 (Atomics.store). It never runs more than `capacity` ahead of READ:
 *    when full it waits (Atomics.waitAsync) for the consumer.
 * 2. The consumer waits (Atomics.wait) while READ == WRITTEN, copies the slot out, then
 *    publishes READ + 1. Memory is capacity * exampleLength floats, whatever the dataset.
 *    A side about to wait first says so (the consumer stores in WANTED the WRITTEN count
 *    it waits for: the rest of its batch, at most the ring's capacity; the producer raises
 *    PRODUCER_WAITS), then checks the counter again; the other side notifies only when that
 *    wait is over. With sequentially consistent atomics one of the two always sees the
 *    other's store, so no wake-up is lost, and a consumer that outruns the reader sleeps
 *    once per batch instead of once per example: a notify per example was a fifth of a
 *    TFRecord reader's time.
 * 3. A restart (another position) bumps the generation: the consumer posts it and waits
 *    until the reader has reset both counters and stored it in ACK.
 * 4. Labels are 4 bytes each: an Int32Array view for class ids, a Float32Array view for
 *    real targets (the spec's labelKind; both sides use the same one).
 * 5. A reader failure sets STATE = FAILED and posts the error on the error port, which
 *    the blocked consumer reads synchronously (receiveMessageOnPort).
 */

import type { LabelKind, Labels } from '../../contracts/batch';

/** Indices into the control Int32Array. */
export const WRITTEN = 0;
export const READ = 1;
export const ACK = 2;
export const STATE = 3;
export const STATE_FAILED = 2;
/** The WRITTEN count the consumer waits for (0: it is not waiting). */
export const WANTED = 4;
/** Non-zero while the producer waits for READ to move. */
export const PRODUCER_WAITS = 5;

/** The shared memory of one ring (crosses into the reader thread). */
export interface RingBuffers {
  readonly ctrl: SharedArrayBuffer;
  readonly x: SharedArrayBuffer;
  readonly y: SharedArrayBuffer;
  readonly capacity: number;
  readonly exampleLength: number;
}

export function allocRing(capacity: number, exampleLength: number): RingBuffers {
  return {
    ctrl: new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT),
    x: new SharedArrayBuffer(capacity * exampleLength * Float32Array.BYTES_PER_ELEMENT),
    y: new SharedArrayBuffer(capacity * Int32Array.BYTES_PER_ELEMENT),
    capacity,
    exampleLength,
  };
}

/** The ring's label view for `kind` (default int32 class ids). */
export function ringLabels(ring: RingBuffers, kind: LabelKind = 'int32'): Labels {
  return kind === 'float32' ? new Float32Array(ring.y) : new Int32Array(ring.y);
}

/** An error as it crosses the error port. */
export interface RingError {
  readonly gen: number;
  readonly name: string;
  readonly message: string;
}
