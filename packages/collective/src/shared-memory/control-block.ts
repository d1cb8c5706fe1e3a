/**
 * The synchronisation words of a shared-memory group (an Int32Array over a
 * SharedArrayBuffer) and the barrier every shared-memory op is built from.
 *
 * 1. Each rank counts the barriers it has passed (`epoch`, equal on all ranks).
 * 2. Arriving at barrier e: publish e in the rank's word, Atomics.add the group total,
 *    and the last arriver (total reaches e * size) notifies everyone.
 * 3. Waiting: spin for `spinMs`, then Atomics.wait (worker threads) or Atomics.waitAsync
 *    (main thread) on the total, bounded by the op's deadline; comparisons wrap at 2^32.
 * 4. Any rank may abort the group (lost peer, timeout, mismatched op): waiters wake,
 *    read the abort record and fail with a named error instead of hanging.
 */

/** Index of the barrier arrival total. */
export const TOTAL = 0;
/** Index of the abort record: kind, rank (+1 so 0 means "none"). */
export const ABORT_KIND = 1;
export const ABORT_RANK = 2;
const HEADER_WORDS = 8;
/** Words per rank: epoch, closed, then two op records (by seq parity) of RECORD_WORDS words. */
const RECORD_WORDS = 5;
const OP_RECORD = 4;
const RANK_WORDS = OP_RECORD + 2 * RECORD_WORDS;
const EPOCH = 0;
const CLOSED = 1;
/** Loads between clock reads while spinning. */
const SPIN_BATCH = 64;
/** Longest single futex sleep: waiters re-check aborts and closed peers at least this often. */
const WAIT_SLICE_MS = 50;

export const enum AbortKind {
  None = 0,
  Lost = 1,
  Timeout = 2,
  Mismatch = 3,
  Closed = 4,
}

/**
 * An op as the ranks publish it to compare: seq, kind, length, argument (root or reduce
 * op), and where the rank's array lies in the group's memory (a float index) when it is
 * a registered buffer, else -1 (this one may differ between ranks).
 */
export interface OpRecord {
  seq: number;
  kind: number;
  length: number;
  arg: number;
  where: number;
}

/** Bytes of control block for `size` ranks. */
export function controlBytes(size: number): number {
  return (HEADER_WORDS + size * RANK_WORDS) * 4;
}

/** Thrown internally when a barrier cannot complete; the communicator turns it into a named error. */
export class BarrierFailure {
  constructor(
    readonly reason: 'timeout' | 'abort',
    readonly pending: number[],
    readonly abortKind: AbortKind,
    readonly abortRank: number,
  ) {}
}

export class ControlBlock {
  readonly #w: Int32Array;
  /** @param spinMs how long a waiter busy-waits before sleeping on the futex (ms). */
  constructor(
    buffer: SharedArrayBuffer,
    readonly size: number,
    readonly spinMs = 0,
  ) {
    this.#w = new Int32Array(buffer);
  }

  #rankBase(r: number): number {
    return HEADER_WORDS + r * RANK_WORDS;
  }

  publishOp(rank: number, rec: OpRecord): void {
    const b = this.#rankBase(rank) + OP_RECORD + (rec.seq & 1) * RECORD_WORDS;
    this.#w[b] = rec.seq;
    this.#w[b + 1] = rec.kind;
    this.#w[b + 2] = rec.length;
    this.#w[b + 3] = rec.arg;
    this.#w[b + 4] = rec.where;
  }

  readOp(rank: number, seq: number): OpRecord {
    const b = this.#rankBase(rank) + OP_RECORD + (seq & 1) * RECORD_WORDS;
    return { seq: this.#w[b]!, kind: this.#w[b + 1]!, length: this.#w[b + 2]!, arg: this.#w[b + 3]!, where: this.#w[b + 4]! };
  }

  /** Records an abort (first one wins) and wakes every waiter. */
  abort(kind: AbortKind, rank: number): void {
    if (Atomics.compareExchange(this.#w, ABORT_RANK, 0, rank + 1) === 0) Atomics.store(this.#w, ABORT_KIND, kind);
    Atomics.notify(this.#w, TOTAL);
  }

  /** The recorded abort, if any. */
  aborted(): { kind: AbortKind; rank: number } | undefined {
    const r = Atomics.load(this.#w, ABORT_RANK);
    if (r === 0) return undefined;
    let kind = Atomics.load(this.#w, ABORT_KIND);
    while (kind === AbortKind.None) kind = Atomics.load(this.#w, ABORT_KIND);
    return { kind: kind as AbortKind, rank: r - 1 };
  }

  markClosed(rank: number): void {
    Atomics.store(this.#w, this.#rankBase(rank) + CLOSED, 1);
  }

  /** Ranks that have not yet arrived at barrier `epoch`. */
  pending(epoch: number): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.size; r++) if (((Atomics.load(this.#w, this.#rankBase(r) + EPOCH) - epoch) | 0) < 0) out.push(r);
    return out;
  }

  /** Arrives at barrier `epoch`; returns the total the waiter must reach. */
  arrive(rank: number, epoch: number): number {
    Atomics.store(this.#w, this.#rankBase(rank) + EPOCH, epoch);
    const target = Math.imul(epoch, this.size);
    if (Atomics.add(this.#w, TOTAL, 1) + 1 === target) Atomics.notify(this.#w, TOTAL);
    return target;
  }

  #check(target: number, epoch: number): boolean {
    if (this.aborted()) this.#fail('abort', epoch);
    return ((Atomics.load(this.#w, TOTAL) - target) | 0) >= 0;
  }

  /** After a sleep: a pending rank that closed its communicator will never arrive. */
  #checkClosed(epoch: number): void {
    for (const r of this.pending(epoch)) {
      if (Atomics.load(this.#w, this.#rankBase(r) + CLOSED)) {
        this.abort(AbortKind.Closed, r);
        this.#fail('abort', epoch);
      }
    }
  }

  #fail(reason: 'timeout' | 'abort', epoch: number): never {
    const a = this.aborted();
    throw new BarrierFailure(reason, this.pending(epoch), a?.kind ?? AbortKind.None, a?.rank ?? -1);
  }

  /** Blocks this thread (Atomics.wait) until barrier `epoch` completes or `deadline` (ms, performance.now()). */
  waitSync(target: number, epoch: number, deadline: number): void {
    if (this.#check(target, epoch)) return;
    const spinEnd = performance.now() + this.spinMs;
    do {
      for (let i = 0; i < SPIN_BATCH; i++) if (this.#check(target, epoch)) return;
    } while (performance.now() < spinEnd);
    for (;;) {
      const seen = Atomics.load(this.#w, TOTAL);
      if (this.#check(target, epoch)) return;
      const left = deadline - performance.now();
      if (left <= 0) this.#fail('timeout', epoch);
      Atomics.wait(this.#w, TOTAL, seen, Math.min(left, WAIT_SLICE_MS));
      this.#checkClosed(epoch);
    }
  }

  /** Same as waitSync without blocking the event loop (Atomics.waitAsync; for the main thread). */
  async waitAsync(target: number, epoch: number, deadline: number): Promise<void> {
    for (;;) {
      const seen = Atomics.load(this.#w, TOTAL);
      if (this.#check(target, epoch)) return;
      const left = deadline - performance.now();
      if (left <= 0) this.#fail('timeout', epoch);
      const r = Atomics.waitAsync(this.#w, TOTAL, seen, Math.min(left, WAIT_SLICE_MS));
      if (r.async) await r.value;
      this.#checkClosed(epoch);
    }
  }

  /** Ranks that closed their communicator. */
  closedRanks(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.size; r++) if (Atomics.load(this.#w, this.#rankBase(r) + CLOSED)) out.push(r);
    return out;
  }
}
