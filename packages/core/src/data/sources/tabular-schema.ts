/**
 * How rows of a table (CSV fields or JSONL objects) become features and a label.
 *
 * Protocol:
 * 1. Inspection (once, when a source is opened) sees every value of every chosen column:
 *    a column whose values are all numbers is numeric; otherwise it is categorical and its
 *    vocabulary is the sorted set of its distinct values (so every worker derives the same
 *    one without talking). Numbers are not kept while a column looks numeric; a column that
 *    turns categorical later is read once more for them (`needsRescan`). A JSONL array of
 *    numbers is a numeric column of that length.
 * 2. Decoding writes numeric values as floats and categorical ones as their vocabulary
 *    index. A value that does not fit (not a number, unknown category, wrong array length)
 *    is a DataError naming the file, the line and the column. The label is a non-negative
 *    integer class (or a category's index) under labelKind 'int32', any finite number (or
 *    a category's index) under 'float32' (regression, soft binary targets).
 */
import type { LabelKind } from '../../contracts/batch';
import { DataError } from '../../errors/data-error';
import type { TabularColumn, TabularSchema } from './stream-spec';

/** More distinct values than this in a non-numeric column is an error (an id or free text, not a category). */
export const MAX_VOCABULARY = 100_000;

/** Where a value sits, for messages. */
export interface Cell {
  readonly file: string;
  readonly line: number;
}

/** Parses a numeric text cell, or NaN when it is not a number. */
export function parseNumber(text: string): number {
  const n = +text; // '' and blanks give 0, not NaN: refuse them
  return n === n && (n !== 0 || text.trim() !== '') ? n : Number.NaN;
}

/** Accumulates what inspection learns about one column. */
export class ColumnInspector {
  numeric = true;
  length = -1;
  readonly distinct = new Set<string>();
  /** Numbers were seen while the column was still numeric (they were not kept). */
  sawNumbers = false;

  constructor(
    readonly name: string,
    readonly index: number,
  ) {}

  /** Records one value (a CSV text or a JSON value). Throws DataError for a value no column can hold. */
  see(value: unknown, at: Cell): void {
    if (Array.isArray(value)) {
      if (!value.every((v) => typeof v === 'number')) throw bad(at, this.name, value, 'an array of numbers');
      if (this.length >= 0 && this.length !== value.length) throw bad(at, this.name, value, `an array of ${this.length} numbers, like the rows before`);
      this.length = value.length;
      return;
    }
    if (this.length > 1) throw bad(at, this.name, value, `an array of ${this.length} numbers, like the rows before`);
    this.length = 1;
    if (typeof value === 'number') {
      if (this.numeric) this.sawNumbers = true;
      else this.#add(String(value), at);
      return;
    }
    if (typeof value !== 'string') throw bad(at, this.name, value, 'a number, a string or an array of numbers');
    if (this.numeric && !Number.isNaN(parseNumber(value))) {
      this.sawNumbers = true;
      return;
    }
    this.numeric = false;
    this.#add(value, at);
  }

  /** True when the column turned categorical after numbers were seen: its earlier values need another look (`seeAgain`). */
  get needsRescan(): boolean {
    return !this.numeric && this.sawNumbers;
  }

  /** Adds one value of a rescan to the vocabulary. */
  seeAgain(value: unknown, at: Cell): void {
    if (typeof value === 'string' || typeof value === 'number') this.#add(String(value), at);
  }

  #add(value: string, at: Cell): void {
    this.distinct.add(value);
    if (this.distinct.size > MAX_VOCABULARY) {
      throw new DataError(
        `${at.file} line ${at.line}: column "${this.name}" has more than ${MAX_VOCABULARY} distinct values and not all are numbers; it is not a category (leave it out of --features).`,
      );
    }
  }

  /** The column as decoding needs it. */
  finish(): TabularColumn {
    const base = { name: this.name, index: this.index, length: Math.max(1, this.length) };
    return this.numeric ? base : { ...base, vocabulary: [...this.distinct].sort() };
  }
}

/** Turns one row's values into features (at out[offset ..]) and a label. */
export class RowDecoder {
  readonly #maps: (Map<string, number> | undefined)[];
  readonly #labelMap: Map<string, number> | undefined;

  constructor(
    readonly schema: TabularSchema,
    readonly labelKind: LabelKind = 'int32',
  ) {
    this.#maps = schema.features.map((c) => (c.vocabulary ? new Map(c.vocabulary.map((v, i) => [v, i])) : undefined));
    this.#labelMap = schema.label.vocabulary ? new Map(schema.label.vocabulary.map((v, i) => [v, i])) : undefined;
  }

  /** `get(column)` returns the raw value of a column of this row. Throws DataError naming file, line and column. */
  decode(get: (c: TabularColumn) => unknown, out: Float32Array, offset: number, at: Cell): number {
    const cols = this.schema.features;
    let o = offset;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      const v = get(c);
      if (c.length > 1) {
        if (!Array.isArray(v) || v.length !== c.length) throw bad(at, c.name, v, `an array of ${c.length} numbers`);
        for (let i = 0; i < c.length; i++) out[o++] = v[i] as number;
        continue;
      }
      out[o++] = this.#value(c, this.#maps[k], v, at);
    }
    const y = this.#value(this.schema.label, this.#labelMap, get(this.schema.label), at);
    if (this.labelKind === 'float32') {
      if (!Number.isFinite(Math.fround(y))) throw bad(at, this.schema.label.name, get(this.schema.label), 'a finite float32 number');
    } else if (!Number.isInteger(y) || y < 0) {
      throw bad(
        at,
        this.schema.label.name,
        get(this.schema.label),
        'a non-negative integer class (or a category); a real-valued target needs a regression loss',
      );
    }
    return y;
  }

  #value(c: TabularColumn, map: Map<string, number> | undefined, v: unknown, at: Cell): number {
    if (map) {
      const i = map.get(String(v));
      if (i === undefined) throw bad(at, c.name, v, `one of the ${map.size} categories seen when the data was opened`);
      return i;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' ? parseNumber(v) : Number.NaN;
    if (Number.isNaN(n)) throw bad(at, c.name, v, 'a number');
    return n;
  }
}

function bad(at: Cell, column: string, value: unknown, want: string): DataError {
  const shown = JSON.stringify(value)?.slice(0, 40) ?? String(value);
  return new DataError(`${at.file} line ${at.line}, column "${column}": ${shown} is not ${want}; fix the row or leave the column out of --features.`);
}
