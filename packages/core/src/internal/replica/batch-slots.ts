/**
 * Shared batch slots for replicas that are worker threads: one SharedArrayBuffer per
 * replica holding `count` slots of up to `maxExamples` examples (features, then labels).
 * The coordinator fills slot s while the replica computes on slot s' (double buffering),
 * so batches cross without copies through postMessage. A slot's labels are 4 bytes each,
 * viewed as int32 class ids or float32 targets: `write` returns the kind it stored (the
 * batch's own), which the BatchRef carries so `read` uses the same view (bit-exact).
 */
import type { Batch, LabelKind } from '../../contracts/batch';
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
  readonly #yf: Float32Array[] = [];

  constructor(
    readonly layout: SlotLayout,
    buffer?: SharedArrayBuffer,
  ) {
    this.buffer = buffer ?? new SharedArrayBuffer(slotBytes(layout) * layout.count);
    const per = slotBytes(layout);
    for (let s = 0; s < layout.count; s++) {
      this.#x.push(new Float32Array(this.buffer, s * per, layout.maxExamples * layout.exampleLength));
      const at = s * per + layout.maxExamples * layout.exampleLength * 4;
      this.#y.push(new Int32Array(this.buffer, at, layout.maxExamples));
      this.#yf.push(new Float32Array(this.buffer, at, layout.maxExamples));
    }
  }

  /** Copies `batch` into slot `slot`; returns the label kind stored (Float32Array labels: 'float32'). */
  write(slot: number, batch: Batch): LabelKind {
    if (batch.size > this.layout.maxExamples) {
      throw new ShapeMismatchError(`batch of ${batch.size} examples exceeds the slot size ${this.layout.maxExamples}`);
    }
    const n = batch.size * this.layout.exampleLength;
    this.#x[slot]!.set(n === batch.x.length ? batch.x : batch.x.subarray(0, n));
    const y = batch.size === batch.y.length ? batch.y : batch.y.subarray(0, batch.size);
    if (y instanceof Float32Array) {
      this.#yf[slot]!.set(y);
      return 'float32';
    }
    this.#y[slot]!.set(y);
    return 'int32';
  }

  /** A view of slot `slot` holding `size` examples (no copy). */
  read(slot: number, size: number, exampleShape: readonly number[], labels: LabelKind = 'int32'): Batch {
    return {
      x: this.#x[slot]!.subarray(0, size * this.layout.exampleLength),
      y: (labels === 'float32' ? this.#yf : this.#y)[slot]!.subarray(0, size),
      size,
      exampleShape,
    };
  }
}
