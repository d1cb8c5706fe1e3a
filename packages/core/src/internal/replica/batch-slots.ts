/**
 * Shared batch slots for replicas that are worker threads: one SharedArrayBuffer per
 * replica holding `count` slots of up to `maxExamples` examples (features, then labels).
 * The coordinator fills slot s while the replica computes on slot s' (double buffering),
 * so batches cross without copies through postMessage.
 */
import type { Batch } from '../../contracts/batch';
import { ShapeMismatchError } from '../../errors/shape-mismatch-error';

export interface SlotLayout {
  readonly count: number;
  readonly maxExamples: number;
  readonly exampleLength: number;
}

export function slotBytes(l: SlotLayout): number {
  return l.maxExamples * (l.exampleLength + 1) * 4;
}

export class BatchSlots {
  readonly buffer: SharedArrayBuffer;
  readonly #x: Float32Array[] = [];
  readonly #y: Int32Array[] = [];

  constructor(
    readonly layout: SlotLayout,
    buffer?: SharedArrayBuffer,
  ) {
    this.buffer = buffer ?? new SharedArrayBuffer(slotBytes(layout) * layout.count);
    const per = slotBytes(layout);
    for (let s = 0; s < layout.count; s++) {
      this.#x.push(new Float32Array(this.buffer, s * per, layout.maxExamples * layout.exampleLength));
      this.#y.push(new Int32Array(this.buffer, s * per + layout.maxExamples * layout.exampleLength * 4, layout.maxExamples));
    }
  }

  /** Copies `batch` into slot `slot`. */
  write(slot: number, batch: Batch): void {
    if (batch.size > this.layout.maxExamples) {
      throw new ShapeMismatchError(`batch of ${batch.size} examples exceeds the slot size ${this.layout.maxExamples}`);
    }
    const n = batch.size * this.layout.exampleLength;
    this.#x[slot]!.set(n === batch.x.length ? batch.x : batch.x.subarray(0, n));
    this.#y[slot]!.set(batch.size === batch.y.length ? batch.y : batch.y.subarray(0, batch.size));
  }

  /** A view of slot `slot` holding `size` examples (no copy). */
  read(slot: number, size: number, exampleShape: readonly number[]): Batch {
    return {
      x: this.#x[slot]!.subarray(0, size * this.layout.exampleLength),
      y: this.#y[slot]!.subarray(0, size),
      size,
      exampleShape,
    };
  }
}
