/**
 * An ExampleSource over typed arrays held in memory: Float32Array features as given, or
 * Uint8Array pixels scaled on read (by 1/255 unless told otherwise), plus labels: integer
 * class ids, or a Float32Array of real targets (regression, soft binary labels).
 */
import type { LabelKind } from '../contracts/batch';
import { DataError } from '../errors/data-error';
import { InvalidConfigError } from '../errors/invalid-config-error';
import type { ExampleSource } from '../contracts/example-source';

/** Scale applied to Uint8Array features unless `scale` is given: bytes to [0, 1]. */
export const BYTE_TO_UNIT = 1 / 255;

/** Arguments of `InMemorySource`. */
export interface InMemorySourceInit {
  /** Features, row-major, `size * prod(exampleShape)` elements. */
  readonly x: Float32Array | Uint8Array;
  /** Labels, one per example: integer class ids, or a Float32Array of real targets. */
  readonly y: Int32Array | Uint8Array | Uint16Array | Float32Array;
  /** Shape of one example, e.g. [28, 28, 1] or [784]. */
  readonly exampleShape: readonly number[];
  /** Multiplier for Uint8Array features (default 1/255); ignored for Float32Array. */
  readonly scale?: number;
  /** Name used in error messages (e.g. the file it came from). */
  readonly name?: string;
}

/** Random-access examples over typed arrays; reads copy (or scale) into the caller's buffer. */
export class InMemorySource implements ExampleSource {
  readonly size: number;
  readonly exampleShape: readonly number[];
  readonly exampleLength: number;
  readonly name: string;
  /** Raw features, as given. */
  readonly x: Float32Array | Uint8Array;
  /** Raw labels, as given. */
  readonly y: Int32Array | Uint8Array | Uint16Array | Float32Array;
  /** 'float32' for Float32Array labels (real targets), else 'int32'. */
  readonly labelKind: LabelKind;
  private readonly scale: number;
  /** Exactly one of these is set: separate fields keep each read loop monomorphic. */
  private readonly bytes: Uint8Array | null;
  private readonly floats: Float32Array | null;

  /**
   * Throws InvalidConfigError for a bad exampleShape, DataError when x or y do not hold
   * exactly y.length examples of that shape.
   */
  constructor(init: InMemorySourceInit) {
    const { x, y, exampleShape } = init;
    this.name = init.name ?? 'in-memory source';
    if (exampleShape.length === 0 || !exampleShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new InvalidConfigError(`${this.name}.exampleShape`, exampleShape, 'a non-empty list of integers >= 1');
    }
    this.exampleShape = Object.freeze([...exampleShape]);
    this.exampleLength = exampleShape.reduce((a, b) => a * b, 1);
    this.size = y.length;
    if (x.length !== this.size * this.exampleLength) {
      throw new DataError(
        `${this.name}: features hold ${x.length} values but ${this.size} labels of shape ` +
          `[${exampleShape.join(', ')}] need ${this.size * this.exampleLength}; check that x and y come from the same data set.`,
      );
    }
    this.x = x;
    this.y = y;
    this.labelKind = y instanceof Float32Array ? 'float32' : 'int32';
    this.scale = init.scale ?? BYTE_TO_UNIT;
    this.bytes = x instanceof Uint8Array ? x : null;
    this.floats = x instanceof Float32Array ? x : null;
  }

  /** Copies example `index`'s features into `out[outOffset ..]` (scaled when bytes). */
  readFeatures(index: number, out: Float32Array, outOffset: number): void {
    const len = this.exampleLength;
    const from = index * len;
    const floats = this.floats;
    if (floats !== null) {
      out.set(floats.subarray(from, from + len), outOffset);
      return;
    }
    const bytes = this.bytes!;
    const scale = this.scale;
    for (let i = 0; i < len; i++) out[outOffset + i] = bytes[from + i]! * scale;
  }

  /** Label of example `index`. */
  label(index: number): number {
    return this.y[index]!;
  }

  /** A source over examples [start, end) sharing this one's memory (no copy). */
  slice(start: number, end: number): InMemorySource {
    const len = this.exampleLength;
    return new InMemorySource({
      x: this.x.subarray(start * len, end * len),
      y: this.y.subarray(start, end),
      exampleShape: this.exampleShape,
      scale: this.scale,
      name: `${this.name}[${start}:${end}]`,
    });
  }
}
