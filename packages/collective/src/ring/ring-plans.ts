/**
 * Schedules of the ring collectives: which chunks a rank sends first, which frames it
 * must receive from its predecessor (in exact order), and what it does with each.
 *
 * allReduce, large (pipelined reduce-scatter + all-gather), N ranks, segment k of N:
 * 1. step 0: send every chunk of segment `rank`;
 * 2. reduce-scatter steps g = 0..N-2: receive chunk c of segment rank-g-1, add it in,
 *    and forward it at once as step g+1 (at g = N-2 the segment is complete: scale it
 *    for mean, and its forward is the first all-gather step);
 * 3. all-gather steps g = N-1..2N-3: receive a finished chunk, copy it in, forward it
 *    unless it has gone round. Chunks pipeline: a chunk moves on as soon as it lands.
 * gather (small allReduce, allGather, barrier): N-1 steps pass whole blocks round the
 *    ring; a small allReduce then reduces the N blocks in rank order, identically everywhere.
 * broadcast: a pipelined chain from the root; rank at distance d receives step d-1.
 */
import type { ReduceOp } from '@syncline/core';

/** Sends one chunk: the engine adds the header (seq, opcode, count) and counts the write. */
export type SendChunk = (step: number, chunk: number, payload: Float32Array) => void;

export const OPCODE = { sum: 1, mean: 2, max: 3, broadcast: 4, allGather: 5, barrier: 6 } as const;
export const OPCODE_NAMES = ['?', 'allReduce(sum)', 'allReduce(mean)', 'allReduce(max)', 'broadcast', 'allGather', 'barrier'];

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** Common cursor over the frames this rank must receive, in order. */
export abstract class RingPlan {
  /** Frames still to receive, and received so far. */
  remaining = 0;
  received = 0;
  #step = 0;
  #chunk = 0;

  constructor(
    readonly opcode: number,
    readonly arg: number,
    readonly count: number,
    readonly n: number,
    readonly rank: number,
    readonly chunkFloats: number,
  ) {}

  protected chunks(len: number): number {
    return Math.max(1, Math.ceil(len / this.chunkFloats));
  }

  /** [start, end) of chunk `c` of the range [a, b). */
  protected chunkRange(a: number, b: number, c: number): [number, number] {
    const s = Math.min(b, a + c * this.chunkFloats);
    return [s, Math.min(b, s + this.chunkFloats)];
  }

  /** Receive steps, first to last, and the float range each receives into. */
  protected abstract recvSteps(): number;
  protected abstract recvRange(step: number): [number, number];
  protected abstract firstRecvStep(): number;

  protected initCursor(): void {
    let total = 0;
    for (let i = 0; i < this.recvSteps(); i++) {
      const [a, b] = this.recvRange(this.firstRecvStep() + i);
      total += this.chunks(b - a);
    }
    this.remaining = total;
    this.#step = this.firstRecvStep();
    this.#chunk = 0;
  }

  /**
   * Checks that (step, chunk, size) is the next frame expected and returns the float
   * range it lands in; returns a description of the mismatch instead when it is not.
   */
  expect(step: number, chunk: number, sizeBytes: number): [number, number] | string {
    if (this.remaining === 0) return `no more frames expected, got step ${step} chunk ${chunk}`;
    if (step !== this.#step || chunk !== this.#chunk) return `expected step ${this.#step} chunk ${this.#chunk}, got step ${step} chunk ${chunk}`;
    const [a, b] = this.recvRange(step);
    const r = this.chunkRange(a, b, chunk);
    if (sizeBytes !== (r[1] - r[0]) * 4) return `step ${step} chunk ${chunk} carries ${sizeBytes} bytes, expected ${(r[1] - r[0]) * 4}`;
    return r;
  }

  /** Advances the cursor after a frame landed; returns the (step, chunk) it was. */
  protected advance(): [number, number] {
    const at: [number, number] = [this.#step, this.#chunk];
    this.remaining--;
    this.received++;
    const [a, b] = this.recvRange(this.#step);
    if (++this.#chunk >= this.chunks(b - a)) {
      this.#chunk = 0;
      this.#step++;
    }
    return at;
  }

  /**
   * Upstream distances (1 = predecessor) of ranks not yet proven to have started this op:
   * a frame of step s can only exist once the s + 1 ranks before us have started.
   */
  pendingUpstream(): number[] {
    const proven = this.received === 0 ? 0 : Math.min(this.n - 1, this.#step + (this.#chunk > 0 ? 1 : 0));
    const out: number[] = [];
    for (let d = Math.max(1, proven + 1); d < this.n; d++) out.push(d);
    return out;
  }

  /** True when the frame about to land must be reduced (through staging), not copied. */
  abstract reducesInto(step: number): Float32Array | null;
  /** The array a copied frame lands in. */
  abstract target(): Float32Array;
  abstract start(send: SendChunk): void;
  /** Called after the expected frame landed (and was reduced or copied). */
  abstract landed(send: SendChunk): void;
  /** Called once every frame has landed and every write is flushed. */
  finish(): void {}
}

/**
 * `buf` is the caller's array; `work` is a same-length array in wasm memory. Reduced chunks
 * live in `work` (the engine copies the caller's chunk there, then adds with SIMD) until the
 * owner's final chunk is copied back to `buf`; all-gather chunks land in `buf` directly.
 * A registered buffer is in wasm memory already: then `work` is `buf`, and nothing is copied.
 */
export class RingAllReducePlan extends RingPlan {
  readonly #seg: number;
  constructor(
    readonly buf: Float32Array,
    readonly work: Float32Array,
    readonly op: ReduceOp,
    n: number,
    rank: number,
    chunkFloats: number,
  ) {
    super(OPCODE[op], 0, buf.length, n, rank, chunkFloats);
    this.#seg = Math.ceil(buf.length / n);
    this.initCursor();
  }
  #segRange(k: number): [number, number] {
    const a = Math.min(this.buf.length, k * this.#seg);
    return [a, Math.min(this.buf.length, a + this.#seg)];
  }
  protected recvSteps(): number {
    return 2 * this.n - 2;
  }
  protected firstRecvStep(): number {
    return 0;
  }
  protected recvRange(g: number): [number, number] {
    const n = this.n;
    return this.#segRange(g < n - 1 ? mod(this.rank - g - 1, n) : mod(this.rank - (g - n + 1), n));
  }
  reducesInto(step: number): Float32Array | null {
    return step < this.n - 1 ? this.work : null;
  }
  target(): Float32Array {
    return this.buf;
  }
  start(send: SendChunk): void {
    const [a, b] = this.#segRange(this.rank);
    for (let c = 0, k = this.chunks(b - a); c < k; c++) {
      const [s, e] = this.chunkRange(a, b, c);
      send(0, c, this.buf.subarray(s, e));
    }
  }
  landed(send: SendChunk): void {
    const [g, c] = this.advance();
    const n = this.n;
    const [a, b] = this.recvRange(g);
    const [s, e] = this.chunkRange(a, b, c);
    if (g === n - 2) {
      if (this.op === 'mean') for (let i = s; i < e; i++) this.work[i] = this.work[i]! / n;
      if (this.work !== this.buf) this.buf.set(this.work.subarray(s, e), s);
    }
    if (g < 2 * n - 3) send(g + 1, c, (g < n - 1 ? this.work : this.buf).subarray(s, e));
  }
}

/** Passes N blocks of `len` floats round the ring (block r starts at rank r). */
export class RingGatherPlan extends RingPlan {
  constructor(
    opcode: number,
    readonly blocks: Float32Array,
    readonly len: number,
    n: number,
    rank: number,
    chunkFloats: number,
    readonly reduceTo?: { buf: Float32Array; op: ReduceOp },
  ) {
    super(opcode, 0, len, n, rank, chunkFloats);
    this.initCursor();
  }
  protected recvSteps(): number {
    return this.n - 1;
  }
  protected firstRecvStep(): number {
    return 0;
  }
  protected recvRange(t: number): [number, number] {
    const k = mod(this.rank - t - 1, this.n);
    return [k * this.len, (k + 1) * this.len];
  }
  reducesInto(): Float32Array | null {
    return null;
  }
  target(): Float32Array {
    return this.blocks;
  }
  start(send: SendChunk): void {
    const a = this.rank * this.len;
    for (let c = 0, k = this.chunks(this.len); c < k; c++) {
      const [s, e] = this.chunkRange(a, a + this.len, c);
      send(0, c, this.blocks.subarray(s, e));
    }
  }
  landed(send: SendChunk): void {
    const [t, c] = this.advance();
    if (t >= this.n - 2) return;
    const [a, b] = this.recvRange(t);
    const [s, e] = this.chunkRange(a, b, c);
    send(t + 1, c, this.blocks.subarray(s, e));
  }
  override finish(): void {
    if (!this.reduceTo) return;
    const { buf, op } = this.reduceTo;
    const L = this.len;
    buf.set(this.blocks.subarray(0, L));
    for (let k = 1; k < this.n; k++) {
      const off = k * L;
      if (op === 'max') for (let i = 0; i < L; i++) buf[i] = Math.max(buf[i]!, this.blocks[off + i]!);
      else for (let i = 0; i < L; i++) buf[i]! += this.blocks[off + i]!;
    }
    if (op === 'mean') for (let i = 0; i < L; i++) buf[i] = buf[i]! / this.n;
  }
}

/** Pipelined chain from `root` round the ring. */
export class RingBroadcastPlan extends RingPlan {
  readonly #d: number;
  constructor(
    readonly buf: Float32Array,
    root: number,
    n: number,
    rank: number,
    chunkFloats: number,
  ) {
    super(OPCODE.broadcast, root, buf.length, n, rank, chunkFloats);
    this.#d = mod(rank - root, n);
    this.initCursor();
  }
  protected recvSteps(): number {
    return this.#d === 0 ? 0 : 1;
  }
  protected firstRecvStep(): number {
    return Math.max(0, this.#d - 1);
  }
  protected recvRange(): [number, number] {
    return [0, this.buf.length];
  }
  reducesInto(): Float32Array | null {
    return null;
  }
  target(): Float32Array {
    return this.buf;
  }
  start(send: SendChunk): void {
    if (this.#d !== 0 || this.n === 1) return;
    for (let c = 0, k = this.chunks(this.buf.length); c < k; c++) {
      const [s, e] = this.chunkRange(0, this.buf.length, c);
      send(0, c, this.buf.subarray(s, e));
    }
  }
  landed(send: SendChunk): void {
    const [, c] = this.advance();
    if (this.#d >= this.n - 1) return;
    const [s, e] = this.chunkRange(0, this.buf.length, c);
    send(this.#d, c, this.buf.subarray(s, e));
  }
}
