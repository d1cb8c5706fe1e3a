/**
 * Per-replica batch buffers: allocated once, reused every step, in a ring of `depth`
 * slots so the consumer can still hold step k's batches while step k+1's are gathered.
 *
 * Protocol:
 * 1. A ring has `depth` slots; each slot holds, per local replica, a Float32Array of
 *    perReplicaBatch * exampleLength features and perReplicaBatch labels: an Int32Array
 *    of class ids, or a Float32Array of real targets when the ring's label kind says so.
 * 2. Step t is gathered into slot t mod depth, so batches handed out for step t stay
 *    untouched until step t + depth starts filling: with depth 2 (double buffering) the
 *    consumer may keep a step while the next is built; with stepsPerExecution k, a depth
 *    of 2k keeps a whole group alive while the next group is built.
 * 3. A worker's examples for a step are split over its local replicas as evenly as
 *    possible (`splitEven`): full steps give every replica exactly perReplicaBatch; a
 *    short last step gives floor or ceil of count / replicas, possibly 0. Every replica
 *    still gets a Batch (size 0 included), so every replica joins every collective.
 * 4. A batch of full size is the slot's own preallocated Batch object; a short one is a
 *    pair of subarray views of the same memory, so `x.length === size * exampleLength`.
 */
import type { Batch, BatchAllocator, LabelKind, Labels } from '../contracts/batch';

/** Slots in a ring when nothing asks for more: double buffering. */
export const DEFAULT_RING_DEPTH = 2;

/** Plain heap typed arrays. */
export const HEAP_ALLOCATOR: BatchAllocator = {
  features: (length) => new Float32Array(length),
  labels: (length, kind = 'int32') => (kind === 'float32' ? new Float32Array(length) : new Int32Array(length)),
};

/** SharedArrayBuffer-backed typed arrays (readable by worker_threads without copying). */
export const SHARED_ALLOCATOR: BatchAllocator = {
  features: (length) => new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT)),
  labels: (length, kind = 'int32') => {
    const buf = new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT);
    return kind === 'float32' ? new Float32Array(buf) : new Int32Array(buf);
  },
};

/** `labels` as `kind`: the same memory reinterpreted when an allocator gave the other 4-byte type. */
export function labelsAs(labels: Labels, kind: LabelKind): Labels {
  if (kind === 'float32') return labels instanceof Float32Array ? labels : new Float32Array(labels.buffer, labels.byteOffset, labels.length);
  return labels instanceof Int32Array ? labels : new Int32Array(labels.buffer, labels.byteOffset, labels.length);
}

/** Start and size of part `part` when `count` items are split over `parts` as evenly as possible. */
export function splitEven(count: number, parts: number, part: number): { start: number; size: number } {
  const base = Math.floor(count / parts);
  const extra = count - base * parts;
  return { start: part * base + Math.min(part, extra), size: base + (part < extra ? 1 : 0) };
}

/** Preallocated per-replica buffers in `depth` slots. */
export class BatchRing {
  /** Elements per example (product of exampleShape). */
  readonly exampleLength: number;
  private readonly full: Batch[][];

  constructor(
    readonly numReplicas: number,
    readonly perReplicaBatch: number,
    readonly exampleShape: readonly number[],
    readonly depth: number = DEFAULT_RING_DEPTH,
    allocator: BatchAllocator = HEAP_ALLOCATOR,
    readonly labelKind: LabelKind = 'int32',
  ) {
    this.exampleLength = exampleShape.reduce((a, b) => a * b, 1);
    this.full = [];
    for (let s = 0; s < depth; s++) {
      const slot: Batch[] = [];
      for (let r = 0; r < numReplicas; r++) {
        slot.push(
          Object.freeze({
            x: allocator.features(perReplicaBatch * this.exampleLength),
            y: labelsAs(allocator.labels(perReplicaBatch, labelKind), labelKind),
            size: perReplicaBatch,
            exampleShape,
          }),
        );
      }
      this.full.push(slot);
    }
  }

  /** Slot used by global step counter `t` (t mod depth). */
  slotOf(t: number): number {
    return t % this.depth;
  }

  /** Feature buffer of (slot, replica), full capacity. */
  features(slot: number, replica: number): Float32Array {
    return this.full[slot]![replica]!.x;
  }

  /** Label buffer of (slot, replica), full capacity. */
  labels(slot: number, replica: number): Labels {
    return this.full[slot]![replica]!.y;
  }

  /** The Batch of (slot, replica) holding `size` examples (views when short). */
  batch(slot: number, replica: number, size: number): Batch {
    const full = this.full[slot]![replica]!;
    if (size === this.perReplicaBatch) return full;
    return Object.freeze({
      x: full.x.subarray(0, size * this.exampleLength),
      y: full.y.subarray(0, size),
      size,
      exampleShape: this.exampleShape,
    });
  }
}
