/**
 * A decoder of tf.train.Example protobufs that writes the wanted features straight into a
 * Float32Array: no objects or closures per record, so it keeps up with tf.io.parse_example.
 *
 * Protocol (the wire format, tensorflow/core/example/{example,feature}.proto):
 * 1. Example: field 1 = Features. Features: field 1 = repeated map entries, each with
 *    field 1 = key (string) and field 2 = Feature.
 * 2. Feature: exactly one of 1 = BytesList, 2 = FloatList, 3 = Int64List; each list is
 *    field 1 repeated (floats and int64s packed or not, both are accepted).
 * 3. Values become floats: float_list as is, int64_list as numbers, and a bytes_list of one
 *    value as raw uint8 pixels scaled to [0, 1] (the layout of an IDX image).
 */
import { DataError } from '../../errors/data-error';
import { BYTE_TO_UNIT } from '../in-memory-source';

/** What a feature holds, as found in a record. */
export interface FeatureInfo {
  readonly name: string;
  readonly kind: 'bytes' | 'float' | 'int64';
  /** Values it yields: floats or int64s, or the byte length of a single bytes value. */
  readonly length: number;
}

/** The read position of the one record being decoded (decoding is synchronous, so one cursor serves). */
let at = 0;
/** End of the field being read, for bounds checks. */
let limit = 0;

function varint(buf: Buffer): number {
  let b = buf[at++]!;
  if (b < 0x80 && at <= limit) return b;
  let v = b & 0x7f;
  let mul = 128;
  do {
    if (at >= limit) throw new RangeError('truncated varint');
    b = buf[at++]!;
    v += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80);
  return v >= 2 ** 63 ? v - 2 ** 64 : v; // ten bytes: a negative int64
}

function skip(buf: Buffer, wireType: number): void {
  if (wireType === 0) varint(buf);
  else if (wireType === 1) at += 8;
  else if (wireType === 2) at += varint(buf);
  else if (wireType === 5) at += 4;
  else throw new RangeError(`wire type ${wireType}`);
}

/** Kinds by Feature field number. */
const KINDS: readonly (FeatureInfo['kind'] | undefined)[] = [undefined, 'bytes', 'float', 'int64'];
let lastKind: FeatureInfo['kind'] = 'float';

/**
 * Reads the Feature message [start, end), writing up to `cap` values at out[base ..] (none
 * when `out` is null). Returns the value count (bytes: the byte length of its single value)
 * and leaves its kind in `lastKind`.
 */
/** bytes[p, p + m) scaled to [0, 1] into out[base ..]: the hot loop of image records, kept monomorphic (Float32Array only). */
function scaleBytes(bytes: Buffer, p: number, m: number, out: Float32Array, base: number): void {
  for (let i = 0; i < m; i++) out[base + i] = bytes[p + i]! * BYTE_TO_UNIT;
}

function readFeature(buf: Buffer, start: number, end: number, out: Float32Array | Float64Array | null, base: number, cap: number): number {
  at = start;
  limit = end;
  let n = 0;
  while (at < end) {
    const kind = KINDS[varint(buf) >>> 3];
    if (!kind) throw new RangeError('not a Feature');
    lastKind = kind;
    const listEnd = varint(buf) + at;
    while (at < listEnd) {
      const wt = varint(buf) & 7;
      if (kind === 'bytes') {
        const len = varint(buf);
        if (n > 0) throw new RangeError('a bytes feature with more than one value');
        if (out instanceof Float32Array) scaleBytes(buf, at, Math.min(len, cap), out, base);
        else if (out) for (let i = 0, m = Math.min(len, cap), p = at; i < m; i++) out[base + i] = buf[p + i]! * BYTE_TO_UNIT;
        n = len;
        at += len;
      } else if (kind === 'float') {
        const e = wt === 2 ? varint(buf) + at : at + 4;
        for (; at < e; at += 4, n++) if (out && n < cap) out[base + n] = buf.readFloatLE(at);
      } else {
        const e = wt === 2 ? varint(buf) + at : at + 1; // unpacked: exactly one varint
        while (at < e) {
          const v = varint(buf);
          if (out && n < cap) out[base + n] = v;
          n++;
        }
      }
    }
  }
  return n;
}

/**
 * Calls `visit(keyStart, keyEnd, valueStart, valueEnd)` for every feature of an Example.
 * Allocation-free apart from the caller's `visit`.
 */
function forEachFeature(buf: Buffer, visit: (ks: number, ke: number, vs: number, ve: number) => void): void {
  at = 0;
  limit = buf.length;
  while (at < buf.length) {
    const tag = varint(buf);
    if (tag !== 0x0a) {
      skip(buf, tag & 7);
      continue;
    }
    const fsEnd = varint(buf) + at;
    while (at < fsEnd) {
      const t = varint(buf);
      if (t !== 0x0a) {
        skip(buf, t & 7);
        continue;
      }
      const entryEnd = varint(buf) + at;
      let ks = 0;
      let ke = 0;
      let vs = 0;
      let ve = 0;
      while (at < entryEnd) {
        const et = varint(buf);
        if ((et & 7) !== 2) {
          skip(buf, et & 7);
          continue;
        }
        const len = varint(buf);
        if (et >>> 3 === 1) {
          ks = at;
          ke = at + len;
        } else if (et >>> 3 === 2) {
          vs = at;
          ve = at + len;
        }
        at += len;
      }
      visit(ks, ke, vs, ve);
      at = entryEnd;
      limit = buf.length;
    }
  }
}

/** Every feature of one serialized Example, sorted by name. Throws DataError naming `where` when it is not one. */
export function describeExample(buf: Buffer, where: string): FeatureInfo[] {
  const out: FeatureInfo[] = [];
  try {
    forEachFeature(buf, (ks, ke, vs, ve) => {
      const length = readFeature(buf, vs, ve, null, 0, 0);
      out.push({ name: buf.toString('utf8', ks, ke), kind: lastKind, length });
    });
  } catch (e) {
    throw new DataError(`${where}: not a tf.train.Example (${(e as Error).message}).`, { cause: e });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Which features of an Example fill a row, in order, and which one is the label. */
export interface ExampleLayout {
  readonly features: readonly { readonly name: string; readonly length: number }[];
  readonly label: string;
}

/** Decodes Examples by a fixed layout into rows of a Float32Array. */
export class ExampleDecoder {
  /** Keys to match: the features in order, then the label. */
  readonly #keys: Buffer[];
  readonly #offsets: number[];
  readonly #lengths: number[];
  readonly #label = new Float64Array(1);
  #out: Float32Array = new Float32Array(0);
  #base = 0;
  #seen = 0;
  #labelCount = 0;
  #bad = -1;
  #badCount = 0;
  readonly #visit: (ks: number, ke: number, vs: number, ve: number) => void;
  #buf: Buffer = Buffer.alloc(0);

  constructor(readonly layout: ExampleLayout) {
    this.#keys = [...layout.features.map((f) => f.name), layout.label].map((n) => Buffer.from(n, 'utf8'));
    this.#lengths = layout.features.map((f) => f.length);
    this.#offsets = [];
    let o = 0;
    for (const f of layout.features) {
      this.#offsets.push(o);
      o += f.length;
    }
    this.#visit = (ks, ke, vs, ve) => this.#entry(ks, ke, vs, ve);
  }

  /**
   * Writes record `buf`'s features at out[offset ..] and returns its label. Throws
   * DataError naming `where`, the feature and the counts when a feature is missing or of
   * another length, or the label is not one integer.
   */
  decode(buf: Buffer, out: Float32Array, offset: number, where: string): number {
    this.#buf = buf;
    this.#out = out;
    this.#base = offset;
    this.#seen = 0;
    this.#labelCount = 0;
    this.#bad = -1;
    try {
      forEachFeature(buf, this.#visit);
    } catch (e) {
      throw new DataError(`${where}: not a tf.train.Example (${(e as Error).message}).`, { cause: e });
    }
    const { features, label } = this.layout;
    if (this.#bad >= 0) {
      throw new DataError(
        `${where}: feature "${features[this.#bad]!.name}" holds ${this.#badCount} value(s) but the first record had ${this.#lengths[this.#bad]}; every record must hold the same shape.`,
      );
    }
    if (this.#seen !== features.length)
      throw new DataError(`${where}: lacks one of the features ${features.map((f) => `"${f.name}"`).join(', ')}; check --features.`);
    const y = this.#label[0]!;
    if (this.#labelCount !== 1 || !Number.isInteger(y) || y < 0) {
      throw new DataError(`${where}: label feature "${label}" is missing or not one non-negative integer; check --label.`);
    }
    return y;
  }

  #entry(ks: number, ke: number, vs: number, ve: number): void {
    const keys = this.#keys;
    const buf = this.#buf;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      if (key.length !== ke - ks || buf.compare(key, 0, key.length, ks, ke) !== 0) continue;
      if (k === this.#lengths.length) {
        this.#labelCount = readFeature(buf, vs, ve, this.#label, 0, 1);
        return;
      }
      const n = readFeature(buf, vs, ve, this.#out, this.#base + this.#offsets[k]!, this.#lengths[k]!);
      if (n !== this.#lengths[k]) {
        this.#bad = k;
        this.#badCount = n;
      }
      this.#seen++;
      return;
    }
  }
}
