/**
 * Growable columns of numbers for the timeline: one row per record, `width` numbers per
 * row, in one Float64Array that doubles when full. Recording a step copies a few numbers;
 * nothing is allocated per step except when the array doubles (amortised, log2(steps) times).
 */
export class PhaseStore {
  #data: Float64Array;
  #rows = 0;

  constructor(
    readonly width: number,
    initialRows = 1024,
  ) {
    this.#data = new Float64Array(width * initialRows);
  }

  get rows(): number {
    return this.#rows;
  }

  /** Room for one more row; returns its offset, where the caller writes `width` numbers. */
  push(): number {
    const at = this.#rows * this.width;
    if (at + this.width > this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#rows++;
    return at;
  }

  get data(): Float64Array {
    return this.#data;
  }

  /** Row `i`'s value in column `c`. */
  at(i: number, c: number): number {
    return this.#data[i * this.width + c]!;
  }
}
