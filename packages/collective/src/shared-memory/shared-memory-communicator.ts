/**
 * Communicator for ranks that are threads of one process, over a shared-memory group.
 *
 * allReduce, per chunk of at most `slotFloats` floats (slots are double-buffered by
 * chunk parity, so a chunk's writes never race the previous chunk's reads):
 * 1. copy my chunk into my slot;                         barrier (checks all ranks run the same op)
 * 2. reduce-scatter: I own segment `rank`; add every other slot's segment into my slot's
 *    segment with the wasm f32x4 kernel (max kernel for max; scale by 1/N for mean); barrier
 * 3. all-gather: copy every owner's reduced segment from its slot into my buffer.
 * broadcast: root copies a chunk into the slot set; barrier; the others copy it out.
 * allGather: each rank copies its chunk into its slot; barrier; everyone copies all slots.
 * reduceScatter (core's shardRange partition), per round of at most slotFloats / N floats
 * of every shard: copy my values of every rank's shard piece into my slot; barrier; add
 * every other slot's piece of my shard into mine (as allReduce does) and copy it out.
 * allGatherShards, per round: copy my shard's piece into my slot; barrier; copy every
 * other rank's piece out. One barrier per round each: a slot is rewritten only two rounds
 * later (rounds alternate slot sets), after a barrier every rank has passed.
 * Registered buffers (allocate(): views into this rank's space of the group's memory, the
 * space after the slots): each op record carries where the rank's array lies, or -1. After
 * the first barrier every rank reads all records; when every rank passed a registered
 * buffer, allReduce reduces its segment straight from the peers' arrays into its own,
 * barrier, copies the other segments from their owners' arrays, barrier (no copy in or
 * out); reduceScatter reduces its shard from the peers' arrays, barrier. When only some
 * did, those copy their first piece in after the first barrier and every rank waits one
 * more barrier, then the slot path runs as usual.
 * Waits block with Atomics.wait in workers and use Atomics.waitAsync on the main thread.
 */
import {
  CollectiveTimeoutError,
  InvalidConfigError,
  ProtocolError,
  WorkerLostError,
  type CollectiveCallOptions,
  type Communicator,
  type ReduceOp,
  shardRange,
  SHARD_ALIGN_FLOATS,
} from '@syncline/core';
import { isMainThread } from 'node:worker_threads';
import { simdKernels, type SimdKernels } from '../wasm/simd-kernels';
import { AbortKind, BarrierFailure, ControlBlock, type OpRecord } from './control-block';
import type { SharedMemoryGroupDescriptor } from './shared-memory-group';
import { OpQueue, type OpContext } from '../op-queue';
import { RegisteredSpace } from './registered-space';

const OP_KIND = { allReduce: 1, broadcast: 2, allGather: 3, barrier: 4, reduceScatter: 5, allGatherShards: 6 } as const;
const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, mean: 1, max: 2 };
const SEGMENT_ALIGN_FLOATS = 16;
const OP_NAMES = ['', 'allReduce', 'broadcast', 'allGather', 'barrier', 'reduceScatter', 'allGatherShards'];

export interface AttachOptions {
  /** Block the thread in Atomics.wait (default: true in workers, false on the main thread). */
  readonly blocking?: boolean;
}

/**
 * Joins a shared-memory group as `rank`. Every rank of the group must attach exactly once
 * (each in its own thread, or several on the main thread with `blocking: false`).
 * Throws InvalidConfigError for a bad descriptor or rank.
 */
export function attachSharedMemory(descriptor: SharedMemoryGroupDescriptor, rank: number, options: AttachOptions = {}): Communicator {
  if (descriptor?.kind !== 'syncline-shared-memory')
    throw new InvalidConfigError('descriptor', typeof descriptor, 'the descriptor from createSharedMemoryGroup()', { source: 'attachSharedMemory' });
  if (!Number.isInteger(rank) || rank < 0 || rank >= descriptor.size)
    throw new InvalidConfigError('rank', rank, `an integer in 0..${descriptor.size - 1}`, { source: 'attachSharedMemory' });
  return new SharedMemoryCommunicator(descriptor, rank, options.blocking ?? !isMainThread);
}

class SharedMemoryCommunicator implements Communicator {
  readonly name = 'shared-memory';
  readonly size: number;
  readonly timeoutMs: number;
  readonly #block: ControlBlock;
  readonly #kernels: SimdKernels;
  /** The group's memory as bytes: copies go through Buffer#copy (a plain memmove; TypedArray#set copies shared memory word by word, about 2x slower here). */
  readonly #bytes: Buffer;
  readonly #slot: number;
  readonly #queue: OpQueue;
  readonly #registered: RegisteredSpace;
  #epoch = 0;
  #chunk = 0;

  constructor(
    d: SharedMemoryGroupDescriptor,
    readonly rank: number,
    readonly blocking: boolean,
  ) {
    this.size = d.size;
    this.timeoutMs = d.timeoutMs;
    this.#block = new ControlBlock(d.control, d.size, (d.spinMicros ?? 0) / 1000);
    this.#kernels = simdKernels(d.memory);
    this.#bytes = Buffer.from(d.memory.buffer);
    this.#slot = d.slotFloats;
    this.#queue = new OpQueue(this.name, rank, d.timeoutMs);
    this.#registered = new RegisteredSpace(d.memory.buffer as unknown as SharedArrayBuffer, 2 * d.size * d.slotFloats, d.registeredFloats ?? 0, rank);
  }

  allocate(length: number): Float32Array | undefined {
    return this.#registered.allocate(length);
  }

  /**
   * After the op's first barrier: every rank's registered array (float indexes), or
   * undefined when some rank passed a plain one. When only some registered, a registered
   * rank (`mine` >= 0) has yet to copy its first piece in (`copyFirst`), and every rank
   * waits one more barrier for that.
   */
  async #registrations(ctx: OpContext, mine: number, copyFirst: () => void): Promise<number[] | undefined> {
    const at: number[] = [];
    for (let j = 0; j < this.size; j++) {
      const { where, length } = this.#block.readOp(j, ctx.seq);
      this.#registered.check(j, where, length);
      at.push(where);
    }
    if (at.every((w) => w >= 0)) return at;
    if (at.some((w) => w >= 0)) {
      if (mine >= 0) copyFirst();
      await this.#barrier(ctx, false);
    }
    return undefined;
  }

  /** dst += (or max=) each src, in rank order, then scale for mean: the reduction every path shares (byte offsets). */
  #reduce(dst: number, srcs: readonly number[], count: number, op: ReduceOp): void {
    if (count <= 0) return;
    for (const src of srcs) {
      if (op === 'max') this.#kernels.max(dst, src, count);
      else this.#kernels.add(dst, src, count);
    }
    if (op === 'mean') this.#kernels.scale(dst, count, 1 / this.size);
  }

  /** [start, end) of the segment rank `rank` reduces in an allReduce of `length` floats (64-byte aligned). */
  #segment(length: number, rank: number): [number, number] {
    const seg = Math.ceil(length / this.size / SEGMENT_ALIGN_FLOATS) * SEGMENT_ALIGN_FLOATS;
    const a = Math.min(length, rank * seg);
    return [a, Math.min(length, a + seg)];
  }

  /** The other ranks' byte offsets of float `index` within their arrays at `at`. */
  #peers(at: readonly number[], index: number): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.size; j++) if (j !== this.rank) out.push((at[j]! + index) * 4);
    return out;
  }

  async allReduce(buf: Float32Array, op: ReduceOp, options?: CollectiveCallOptions): Promise<Float32Array> {
    const where = this.#registered.indexOf(buf);
    return this.#run('allReduce', { kind: OP_KIND.allReduce, length: buf.length, arg: REDUCE_CODE[op], where }, options, async (ctx) => {
      const { size: n, rank: r } = this;
      const bytes = bytesOf(buf);
      const chunks = Math.max(1, Math.ceil(buf.length / this.#slot));
      for (let c = 0; c < chunks; c++) {
        const off = c * this.#slot;
        const len = Math.min(this.#slot, buf.length - off);
        const base = (this.#chunk++ & 1) * n * this.#slot;
        const copyFirst = (): void => this.#copyIn(bytes, off, off + len, base + r * this.#slot);
        if (c > 0 || where < 0 || n === 1) copyFirst();
        await this.#barrier(ctx, c === 0);
        if (c === 0 && n > 1) {
          const at = await this.#registrations(ctx, where, copyFirst);
          if (at) return this.#allReduceInPlace(ctx, buf, op, at);
        }
        const [s0, s1] = this.#segment(len, r);
        if (n > 1) {
          const slots = Array.from({ length: n }, (_, j) => base + j * this.#slot);
          this.#reduce((slots[r]! + s0) * 4, this.#peers(slots, s0), s1 - s0, op);
        }
        await this.#barrier(ctx, false);
        for (let j = 0; j < n; j++) {
          const [a, b] = this.#segment(len, j);
          if (b > a) this.#copyOut(base + j * this.#slot + a, b - a, bytes, off + a);
        }
      }
      return buf;
    });
  }

  async broadcast(buf: Float32Array, root: number, options?: CollectiveCallOptions): Promise<Float32Array> {
    if (!Number.isInteger(root) || root < 0 || root >= this.size)
      throw new InvalidConfigError('root', root, `a rank in 0..${this.size - 1}`, { source: 'broadcast' });
    return this.#run('broadcast', { kind: OP_KIND.broadcast, length: buf.length, arg: root, where: -1 }, options, async (ctx) => {
      const cap = this.size * this.#slot;
      const bytes = bytesOf(buf);
      const chunks = Math.max(1, Math.ceil(buf.length / cap));
      for (let c = 0; c < chunks; c++) {
        const off = c * cap;
        const len = Math.min(cap, buf.length - off);
        const base = (this.#chunk++ & 1) * this.size * this.#slot;
        if (this.rank === root) this.#copyIn(bytes, off, off + len, base);
        await this.#barrier(ctx, c === 0);
        if (this.rank !== root && len > 0) this.#copyOut(base, len, bytes, off);
      }
      return buf;
    });
  }

  async allGather(buf: Float32Array, options?: CollectiveCallOptions): Promise<Float32Array> {
    return this.#run('allGather', { kind: OP_KIND.allGather, length: buf.length, arg: 0, where: -1 }, options, async (ctx) => {
      const L = buf.length;
      const out = new Float32Array(L * this.size);
      const bytes = bytesOf(buf);
      const outBytes = bytesOf(out);
      const chunks = Math.max(1, Math.ceil(L / this.#slot));
      for (let c = 0; c < chunks; c++) {
        const off = c * this.#slot;
        const len = Math.min(this.#slot, L - off);
        const base = (this.#chunk++ & 1) * this.size * this.#slot;
        this.#copyIn(bytes, off, off + len, base + this.rank * this.#slot);
        await this.#barrier(ctx, c === 0);
        for (let j = 0; j < this.size && len > 0; j++) {
          const from = base + j * this.#slot;
          this.#copyOut(from, len, outBytes, j * L + off);
        }
      }
      return out;
    });
  }

  /**
   * allReduce when every rank passed a registered buffer: each rank reduces its segment
   * straight from the peers' arrays into its own, then copies the others' reduced
   * segments from their arrays; a last barrier keeps every array unchanged until all
   * ranks have read what they need from it.
   */
  async #allReduceInPlace(ctx: OpContext, buf: Float32Array, op: ReduceOp, at: readonly number[]): Promise<Float32Array> {
    const { size: n, rank: r } = this;
    const [s0, s1] = this.#segment(buf.length, r);
    this.#reduce((at[r]! + s0) * 4, this.#peers(at, s0), s1 - s0, op);
    await this.#barrier(ctx, false);
    for (let j = 0; j < n; j++) {
      const [a, b] = this.#segment(buf.length, j);
      if (j !== r && b > a) this.#bytes.copy(this.#bytes, (at[r]! + a) * 4, (at[j]! + a) * 4, (at[j]! + b) * 4);
    }
    await this.#barrier(ctx, false);
    return buf;
  }

  async reduceScatter(buf: Float32Array, op: ReduceOp, options?: CollectiveCallOptions): Promise<Float32Array> {
    const where = this.#registered.indexOf(buf);
    return this.#run('reduceScatter', { kind: OP_KIND.reduceScatter, length: buf.length, arg: REDUCE_CODE[op], where }, options, async (ctx) => {
      const { size: n, rank: r } = this;
      const piece = this.#piece();
      const bytes = bytesOf(buf);
      for (let c = 0, rounds = this.#rounds(buf.length); c < rounds; c++) {
        const base = (this.#chunk++ & 1) * n * this.#slot;
        const mine = base + r * this.#slot;
        const copyFirst = (): void => {
          for (let j = 0; j < n; j++) {
            const [a, b] = this.#pieceRange(buf.length, j, c);
            if (b > a) this.#copyIn(bytes, a, b, mine + j * piece);
          }
        };
        if (c > 0 || where < 0 || n === 1) copyFirst();
        await this.#barrier(ctx, c === 0);
        if (c === 0 && n > 1) {
          const at = await this.#registrations(ctx, where, copyFirst);
          if (at) {
            // every rank registered: reduce my shard straight from the peers' arrays into mine
            const [s0, s1] = shardRange(buf.length, n, r);
            this.#reduce((at[r]! + s0) * 4, this.#peers(at, s0), s1 - s0, op);
            await this.#barrier(ctx, false);
            return buf;
          }
        }
        const [a, b] = this.#pieceRange(buf.length, r, c);
        if (b === a) continue;
        const slots = Array.from({ length: n }, (_, j) => base + j * this.#slot);
        this.#reduce((mine + r * piece) * 4, this.#peers(slots, r * piece), b - a, op);
        this.#copyOut(mine + r * piece, b - a, bytes, a);
      }
      return buf;
    });
  }

  async allGatherShards(buf: Float32Array, options?: CollectiveCallOptions): Promise<Float32Array> {
    return this.#run('allGatherShards', { kind: OP_KIND.allGatherShards, length: buf.length, arg: 0, where: -1 }, options, async (ctx) => {
      const { size: n, rank: r } = this;
      const bytes = bytesOf(buf);
      for (let c = 0, rounds = this.#rounds(buf.length); c < rounds; c++) {
        const base = (this.#chunk++ & 1) * n * this.#slot;
        const [a, b] = this.#pieceRange(buf.length, r, c);
        if (b > a) this.#copyIn(bytes, a, b, base + r * this.#slot);
        await this.#barrier(ctx, c === 0);
        for (let j = 0; j < n; j++) {
          if (j === r) continue;
          const [x, y] = this.#pieceRange(buf.length, j, c);
          if (y > x) this.#copyOut(base + j * this.#slot, y - x, bytes, x);
        }
      }
      return buf;
    });
  }

  /** Copies floats [from, to) of a caller's buffer (as bytes) to float index `at` of the shared memory. */
  #copyIn(src: Buffer, from: number, to: number, at: number): void {
    src.copy(this.#bytes, at * 4, from * 4, to * 4);
  }

  /** Copies `count` floats from float index `at` of the shared memory to float index `to` of a caller's buffer. */
  #copyOut(at: number, count: number, dst: Buffer, to: number): void {
    this.#bytes.copy(dst, to * 4, at * 4, (at + count) * 4);
  }

  /** [start, end) of rank `rank`'s shard (core's shardRange) handled in round `c`. */
  #pieceRange(length: number, rank: number, c: number): [number, number] {
    const [s0, s1] = shardRange(length, this.size, rank);
    const piece = this.#piece();
    const a = Math.min(s1, s0 + c * piece);
    return [a, Math.min(s1, a + piece)];
  }

  /** Floats of each shard handled per round: N pieces must fit one slot (aligned for SIMD). */
  #piece(): number {
    return Math.max(SHARD_ALIGN_FLOATS, Math.floor(this.#slot / this.size / SHARD_ALIGN_FLOATS) * SHARD_ALIGN_FLOATS);
  }

  #rounds(length: number): number {
    const [s0, s1] = shardRange(length, this.size, 0);
    return Math.max(1, Math.ceil((s1 - s0) / this.#piece()));
  }

  async barrier(options?: CollectiveCallOptions): Promise<void> {
    await this.#run('barrier', { kind: OP_KIND.barrier, length: 0, arg: 0, where: -1 }, options, (ctx) => this.#barrier(ctx, true));
  }

  async close(): Promise<void> {
    await this.#queue.close(() => this.#block.markClosed(this.rank));
  }

  #run<T>(op: string, rec: Omit<OpRecord, 'seq'>, options: CollectiveCallOptions | undefined, body: (ctx: OpContext) => Promise<T>): Promise<T> {
    return this.#queue.enqueue(op, options, async (ctx) => {
      this.#block.publishOp(this.rank, { ...rec, seq: ctx.seq });
      try {
        return await body(ctx);
      } catch (e) {
        const err = this.#named(e, ctx);
        if (!(e instanceof BarrierFailure && e.abortKind !== AbortKind.None)) this.#block.abort(AbortKind.Timeout, this.rank);
        throw err;
      }
    });
  }

  async #barrier(ctx: OpContext, checkOps: boolean): Promise<void> {
    const epoch = ++this.#epoch;
    const target = this.#block.arrive(this.rank, epoch);
    if (this.blocking) this.#block.waitSync(target, epoch, ctx.deadline);
    else await this.#block.waitAsync(target, epoch, ctx.deadline);
    if (checkOps) this.#checkSameOp(ctx);
  }

  #checkSameOp(ctx: OpContext): void {
    const mine = this.#block.readOp(this.rank, ctx.seq);
    for (let j = 0; j < this.size; j++) {
      const theirs = this.#block.readOp(j, ctx.seq);
      if (theirs.seq === mine.seq && theirs.kind === mine.kind && theirs.length === mine.length && theirs.arg === mine.arg) continue;
      this.#block.abort(AbortKind.Mismatch, this.rank);
      throw new ProtocolError(
        `shared-memory rank ${j}`,
        `rank ${j} submitted ${describeRecord(theirs)} while rank ${this.rank} submitted ${describeRecord(mine)}; ` +
          'every rank must issue the same collectives in the same order with the same lengths',
      );
    }
  }

  #named(e: unknown, ctx: OpContext): unknown {
    if (!(e instanceof BarrierFailure)) return e;
    const who = e.abortRank;
    if (e.abortKind === AbortKind.Lost || e.abortKind === AbortKind.Closed)
      return new WorkerLostError(
        who,
        `shared-memory rank ${who}`,
        ctx.op,
        ctx.seq,
        e.abortKind === AbortKind.Lost ? 'its thread was reported dead' : 'it closed its communicator while others waited',
      );
    if (e.abortKind === AbortKind.Mismatch)
      return new ProtocolError(`shared-memory rank ${who}`, `rank ${who} found ranks disagreeing on ${ctx.op} #${ctx.seq}`);
    const detail = e.abortKind === AbortKind.Timeout ? `rank ${who} gave up first` : 'shared-memory barrier';
    return new CollectiveTimeoutError(ctx.op, ctx.seq, ctx.timeoutMs, e.pending, detail);
  }
}

/** A caller's floats as bytes, without copying. */
function bytesOf(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function describeRecord(r: OpRecord): string {
  const arg =
    r.kind === OP_KIND.allReduce || r.kind === OP_KIND.reduceScatter
      ? `(${Object.keys(REDUCE_CODE)[r.arg] ?? r.arg})`
      : r.kind === OP_KIND.broadcast
        ? `(root ${r.arg})`
        : '';
  return `${OP_NAMES[r.kind] ?? `op ${r.kind}`}${arg} #${r.seq} of ${r.length} floats`;
}
