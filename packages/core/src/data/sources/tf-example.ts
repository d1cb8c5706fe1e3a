/**
 * A decoder of tf.train.Example protobufs that writes the wanted features straight into a
 * Float32Array: no intermediate objects per record, so it keeps up with tf.io.parse_example.
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

/** A little protobuf reader over one buffer. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      b = this.buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return v >= 2 ** 63 ? v - 2 ** 64 : v; // ten bytes: a negative int64
  }
  /** Skips a field of wire type `wt`. */
  skip(wt: number): void {
    if (wt === 0) this.varint();
    else if (wt === 1) this.pos += 8;
    else if (wt === 2) this.pos += this.varint();
    else if (wt === 5) this.pos += 4;
    else throw new RangeError(`wire type ${wt}`);
  }
}

/** Calls `visit(key, featureStart, featureEnd)` for every map entry of an Example. */
function forEachFeature(buf: Buffer, visit: (keyStart: number, keyEnd: number, start: number, end: number) => void): void {
  const ex = new Reader(buf, 0, buf.length);
  while (ex.pos < ex.end) {
    const tag = ex.varint();
    if (tag !== 0x0a) {
      ex.skip(tag & 7);
      continue;
    }
    const fsEnd = ex.varint() + ex.pos;
    const fs = new Reader(buf, ex.pos, fsEnd);
    while (fs.pos < fsEnd) {
      const t = fs.varint();
      if (t !== 0x0a) {
        fs.skip(t & 7);
        continue;
      }
      const entryEnd = fs.varint() + fs.pos;
      const e = new Reader(buf, fs.pos, entryEnd);
      let ks = 0;
      let ke = 0;
      let vs = 0;
      let ve = 0;
      while (e.pos < entryEnd) {
        const et = e.varint();
        const len = (et & 7) === 2 ? e.varint() : -1;
        if (len < 0) e.skip(et & 7);
        else if (et >>> 3 === 1) [ks, ke] = [e.pos, e.pos + len];
        else if (et >>> 3 === 2) [vs, ve] = [e.pos, e.pos + len];
        if (len >= 0) e.pos += len;
      }
      visit(ks, ke, vs, ve);
      fs.pos = entryEnd;
    }
    ex.pos = fsEnd;
  }
}

/**
 * Decodes one Feature message [start, end) of `buf`, writing up to `cap` values at
 * out[base ..] (none when `out` is null); returns its kind and value count (bytes: the
 * byte length of its single value).
 */
function decodeFeature(
  buf: Buffer,
  start: number,
  end: number,
  out: Float32Array | Float64Array | null,
  base: number,
  cap: number,
): { kind: FeatureInfo['kind']; length: number } {
  const f = new Reader(buf, start, end);
  let kind: FeatureInfo['kind'] = 'float';
  let n = 0;
  while (f.pos < end) {
    const field = f.varint() >>> 3;
    const listEnd = f.varint() + f.pos;
    kind = field === 1 ? 'bytes' : field === 2 ? 'float' : 'int64';
    const l = new Reader(buf, f.pos, listEnd);
    while (l.pos < listEnd) {
      const wt = l.varint() & 7;
      if (kind === 'bytes') {
        const len = l.varint();
        if (n > 0) throw new RangeError('a bytes feature with more than one value');
        if (out) for (let i = 0, m = Math.min(len, cap); i < m; i++) out[base + i] = buf[l.pos + i]! * BYTE_TO_UNIT;
        n = len;
        l.pos += len;
      } else if (kind === 'float') {
        const e = wt === 2 ? l.varint() + l.pos : l.pos + 4;
        for (; l.pos < e; l.pos += 4, n++) if (out && n < cap) out[base + n] = buf.readFloatLE(l.pos);
      } else {
        const e = wt === 2 ? l.varint() + l.pos : l.pos + 1; // unpacked: exactly one varint
        while (l.pos < e) {
          const v = l.varint();
          if (out && n < cap) out[base + n] = v;
          n++;
        }
      }
    }
    f.pos = listEnd;
  }
  return { kind, length: n };
}

/** Every feature of one serialized Example, sorted by name. Throws DataError naming `where` when it is not one. */
export function describeExample(buf: Buffer, where: string): FeatureInfo[] {
  const out: FeatureInfo[] = [];
  try {
    forEachFeature(buf, (ks, ke, vs, ve) => out.push({ name: buf.toString('utf8', ks, ke), ...decodeFeature(buf, vs, ve, null, 0, 0) }));
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
  readonly #keys: Buffer[];
  readonly #offsets: number[];
  readonly #labelKey: Buffer;
  readonly #label = new Float64Array(1);

  constructor(readonly layout: ExampleLayout) {
    this.#keys = layout.features.map((f) => Buffer.from(f.name, 'utf8'));
    this.#offsets = [];
    let at = 0;
    for (const f of layout.features) {
      this.#offsets.push(at);
      at += f.length;
    }
    this.#labelKey = Buffer.from(layout.label, 'utf8');
  }

  /**
   * Writes record `buf`'s features at out[offset ..] and returns its label. Throws
   * DataError naming `where`, the feature and the counts when a feature is missing or of
   * another length, or the label is not one integer.
   */
  decode(buf: Buffer, out: Float32Array, offset: number, where: string): number {
    let label = Number.NaN;
    let seen = 0;
    const keys = this.#keys;
    forEachFeature(buf, (ks, ke, vs, ve) => {
      for (let k = 0; k < keys.length; k++) {
        if (buf.compare(keys[k]!, 0, keys[k]!.length, ks, ke) !== 0) continue;
        const base = offset + this.#offsets[k]!;
        const want = this.layout.features[k]!.length;
        const got = decodeFeature(buf, vs, ve, out, base, want);
        if (got.length !== want) {
          throw new DataError(
            `${where}: feature "${this.layout.features[k]!.name}" holds ${got.length} value(s) but the first record had ${want}; every record must hold the same shape.`,
          );
        }
        seen++;
        return;
      }
      if (buf.compare(this.#labelKey, 0, this.#labelKey.length, ks, ke) === 0) {
        const got = decodeFeature(buf, vs, ve, this.#label, 0, 1);
        label = got.length === 1 ? this.#label[0]! : Number.NaN;
      }
    });
    if (seen !== keys.length) {
      throw new DataError(`${where}: lacks one of the features ${this.layout.features.map((f) => `"${f.name}"`).join(', ')}; check --features.`);
    }
    if (!Number.isInteger(label) || label < 0) {
      throw new DataError(`${where}: label feature "${this.layout.label}" is missing or not one non-negative integer; check --label.`);
    }
    return label;
  }
}
