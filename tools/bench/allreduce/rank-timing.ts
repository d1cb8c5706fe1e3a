/**
 * The timing loop every one of our ranks runs (threads and processes alike), matching
 * mpi_allreduce.c: per size, warm up, then per iteration barrier + timed allReduce(sum).
 */
import type { Communicator } from '@syncline/core';

export interface SizePlan {
  readonly bytes: number;
  readonly iters: number;
  readonly warmup: number;
}

/** Bytes of the plan's largest buffer (the registered space a rank needs). */
export function largestBytes(plan: readonly SizePlan[]): number {
  return Math.max(...plan.map((p) => p.bytes));
}

/**
 * Times (µs) of each iteration for each size, on this rank. With `registered`, the buffer
 * is the communicator's registered buffer (Communicator.allocate), as MPI_Alloc_mem memory.
 */
export async function timeAllReduce(comm: Communicator, plan: readonly SizePlan[], registered = false): Promise<number[][]> {
  const out: number[][] = [];
  const most = largestBytes(plan) / 4;
  const pool = registered ? comm.allocate?.(most) : undefined;
  if (registered && !pool) throw new Error(`${comm.name} rank ${comm.rank} has no registered buffer of ${most} floats`);
  for (const { bytes, iters, warmup } of plan) {
    const buf = pool ? pool.subarray(0, bytes / 4).fill(1) : new Float32Array(bytes / 4).fill(1);
    for (let i = 0; i < warmup; i++) await comm.allReduce(buf, 'sum');
    const times: number[] = [];
    for (let i = 0; i < iters; i++) {
      await comm.barrier();
      const t0 = performance.now();
      await comm.allReduce(buf, 'sum');
      times.push((performance.now() - t0) * 1000);
    }
    out.push(times);
  }
  return out;
}
