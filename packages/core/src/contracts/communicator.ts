/**
 * The collective-communication contract every transport implements (shared memory,
 * socket ring, hierarchical). A Communicator is a fixed group of `size` ranks; to
 * change membership, close it and build a new one.
 *
 * Invariants every implementation keeps:
 * - operations are sequence-numbered and complete in the order they were issued;
 * - every call finishes or rejects within its timeout (the per-call `timeoutMs`, else
 *   the communicator's default); a dead or missing peer rejects with WorkerLostError
 *   or CollectiveTimeoutError naming the rank, never hangs;
 * - buffers are Float32Array and all ranks pass the same length for one operation.
 */
export type ReduceOp = 'sum' | 'mean' | 'max';

/** Default timeout of one collective operation, in milliseconds (300 s, as the issue asks). */
export const DEFAULT_COLLECTIVE_TIMEOUT_MS = 300_000;

export interface CollectiveCallOptions {
  /** Overrides the communicator's default timeout for this call, in milliseconds. */
  readonly timeoutMs?: number;
}

/** Shard ranges are multiples of this many floats (64 bytes), so SIMD kernels stay aligned. */
export const SHARD_ALIGN_FLOATS = 16;

/**
 * The contiguous range [start, end) of a `length`-float buffer that `rank` of a group of
 * `size` owns under `reduceScatter` / `allGatherShards`: ranges of ceil(length / size)
 * floats rounded up to SHARD_ALIGN_FLOATS, in rank order; the last ones may be short or
 * empty. Every implementation uses this partition, so callers know their range.
 */
export function shardRange(length: number, size: number, rank: number): [number, number] {
  const per = Math.ceil(length / size / SHARD_ALIGN_FLOATS) * SHARD_ALIGN_FLOATS;
  const start = Math.min(length, rank * per);
  return [start, Math.min(length, start + per)];
}

export interface Communicator {
  /** Implementation name, e.g. "shared-memory", "ring-tcp". */
  readonly name: string;
  /** This rank, 0 <= rank < size. */
  readonly rank: number;
  /** Number of ranks in the group. */
  readonly size: number;
  /** Default timeout of every operation, in milliseconds. */
  readonly timeoutMs: number;
  /** Reduces `buf` across ranks in place and resolves with the same array. */
  allReduce(buf: Float32Array, op: ReduceOp, options?: CollectiveCallOptions): Promise<Float32Array>;
  /** Copies `root`'s `buf` into every rank's `buf` in place; resolves with it. */
  broadcast(buf: Float32Array, root: number, options?: CollectiveCallOptions): Promise<Float32Array>;
  /** Every rank's `buf` concatenated in rank order (length = buf.length * size). */
  allGather(buf: Float32Array, options?: CollectiveCallOptions): Promise<Float32Array>;
  /**
   * Optional (sharded weight updates): reduces `buf` across ranks in place so that this
   * rank's `shardRange(buf.length, size, rank)` holds the result; the rest of `buf` is
   * unspecified afterwards. Half an allReduce: follow with allGatherShards.
   */
  reduceScatter?(buf: Float32Array, op: ReduceOp, options?: CollectiveCallOptions): Promise<Float32Array>;
  /**
   * Optional, with reduceScatter: copies every rank's `shardRange` of its `buf` into that
   * range of every other rank's `buf`, in place (this rank's own range is left as is).
   */
  allGatherShards?(buf: Float32Array, options?: CollectiveCallOptions): Promise<Float32Array>;
  /**
   * Optional (registered buffers, like MPI_Alloc_mem or ncclMemAlloc): a zeroed array of
   * `length` floats that this communicator can reduce without copying it in and out (for
   * shared memory, it lives in the group's memory, where peers read it directly). Every op
   * accepts it like any other array; an op is copy-free when every rank passes one. Returns
   * undefined when no room is left, so callers fall back to `new Float32Array(length)`.
   * Allocate once and reuse: the space is released only by close().
   */
  allocate?(length: number): Float32Array | undefined;
  /** Resolves once every rank has entered the barrier. */
  barrier(options?: CollectiveCallOptions): Promise<void>;
  /** Releases sockets, workers and memory; later calls reject. Idempotent. */
  close(): Promise<void>;
}
