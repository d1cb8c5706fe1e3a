/**
 * One real pass over a worker's files as tf.data builds it: a pure function of (seed, pass)
 * and the files' contents, so every worker derives the same order and a resumed run replays it.
 *
 * Protocol:
 * 1. File order: the worker's files permuted with deriveSeed(seed, pass, FILE_ORDER_STREAM)
 *    (listing order when shuffle is off).
 * 2. Interleave: `cycleLength` files are open at once and give one record each in turn; an
 *    exhausted file's place goes to the next file of the order (tf.data interleave,
 *    block length 1), and the cycle shrinks once the order is used up.
 * 3. Shuffle buffer of `shuffleBuffer` records seeded with deriveSeed(seed, pass,
 *    BUFFER_STREAM): once full, each incoming record replaces a uniformly drawn one, which
 *    is emitted; at the end of the pass the rest is drained in random order. Every record
 *    of the pass is emitted exactly once, and nothing carries into the next pass.
 */
import { deriveSeed, Xoshiro128 } from '../../random/prng';
import { identityOrder, permutation } from '../shuffle';
import type { RawRecord } from './record-format';

/** deriveSeed stream ids of the file order and of the shuffle buffer. */
export const FILE_ORDER_STREAM = 101;
export const BUFFER_STREAM = 102;
/** Records per emitted batch. */
const EMIT_BATCH = 256;

export interface PassConfig {
  readonly seed: number;
  readonly shuffle: boolean;
  /** Records in the shuffle buffer (1 or less: no buffer). */
  readonly shuffleBuffer: number;
  /** Files open at once (>= 1). */
  readonly cycleLength: number;
}

/** A record with the index (into the source's files) of the file it came from. */
export interface SourcedRecord {
  readonly file: number;
  readonly raw: RawRecord;
}

/** Reads one file's records a batch at a time. */
class FileCursor {
  #batch: readonly RawRecord[] = [];
  #at = 0;
  readonly #it: AsyncIterator<readonly RawRecord[]>;
  constructor(
    readonly file: number,
    it: AsyncIterable<readonly RawRecord[]>,
  ) {
    this.#it = it[Symbol.asyncIterator]();
  }
  /** The next record, or undefined at the end of the file. */
  async next(): Promise<RawRecord | undefined> {
    while (this.#at >= this.#batch.length) {
      const r = await this.#it.next();
      if (r.done) return undefined;
      this.#batch = r.value;
      this.#at = 0;
    }
    return this.#batch[this.#at++];
  }
  close(): void {
    void this.#it.return?.();
  }
}

/** The worker's files (indices into the source) in the order pass `pass` reads them. */
export function passFileOrder(files: readonly number[], pass: number, cfg: PassConfig): number[] {
  const perm = cfg.shuffle ? permutation(files.length, cfg.seed, pass, undefined, FILE_ORDER_STREAM) : identityOrder(files.length);
  return Array.from(perm, (i) => files[i]!);
}

/** Interleaved records of pass `pass` (steps 1-2), in batches. */
async function* interleave(
  files: readonly number[],
  pass: number,
  cfg: PassConfig,
  open: (file: number) => AsyncIterable<readonly RawRecord[]>,
): AsyncGenerator<SourcedRecord[]> {
  const order = passFileOrder(files, pass, cfg);
  let nextFile = 0;
  const cycle: FileCursor[] = [];
  while (cycle.length < Math.max(1, cfg.cycleLength) && nextFile < order.length) cycle.push(new FileCursor(order[nextFile]!, open(order[nextFile++]!)));
  let out: SourcedRecord[] = [];
  let k = 0;
  try {
    while (cycle.length > 0) {
      if (k >= cycle.length) k = 0;
      const cur = cycle[k]!;
      const raw = await cur.next();
      if (raw === undefined) {
        if (nextFile < order.length) cycle[k] = new FileCursor(order[nextFile]!, open(order[nextFile++]!));
        else cycle.splice(k, 1);
        continue;
      }
      out.push({ file: cur.file, raw });
      k++;
      if (out.length === EMIT_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  } finally {
    for (const c of cycle) c.close();
  }
}

/** Every record of pass `pass` of `files`, in the pass's order (steps 1-3), in batches. */
export async function* passRecords(
  files: readonly number[],
  pass: number,
  cfg: PassConfig,
  open: (file: number) => AsyncIterable<readonly RawRecord[]>,
): AsyncGenerator<SourcedRecord[]> {
  const size = cfg.shuffle ? Math.max(1, Math.floor(cfg.shuffleBuffer)) : 1;
  if (size === 1) {
    yield* interleave(files, pass, cfg, open);
    return;
  }
  const rng = new Xoshiro128(deriveSeed(cfg.seed, pass, BUFFER_STREAM));
  const buf: SourcedRecord[] = [];
  for await (const batch of interleave(files, pass, cfg, open)) {
    const out: SourcedRecord[] = [];
    for (const r of batch) {
      if (buf.length < size) {
        buf.push(r);
        continue;
      }
      const j = rng.nextBelow(size);
      out.push(buf[j]!);
      buf[j] = r;
    }
    if (out.length) yield out;
  }
  const out: SourcedRecord[] = [];
  while (buf.length > 0) {
    const j = rng.nextBelow(buf.length);
    out.push(buf[j]!);
    buf[j] = buf[buf.length - 1]!;
    buf.pop();
  }
  for (let i = 0; i < out.length; i += EMIT_BATCH) yield out.slice(i, i + EMIT_BATCH);
}
