/**
 * nccl-tests figures for an all-reduce: time = the slowest rank per iteration, median
 * over iterations; algbw = bytes / time; busbw = algbw * 2(N-1)/N.
 */

/** Per-iteration max over ranks. `perRank[r][i]` is rank r's time of iteration i. */
export function slowestPerIteration(perRank: readonly (readonly number[])[]): number[] {
  const iters = Math.min(...perRank.map((t) => t.length));
  return Array.from({ length: iters }, (_, i) => Math.max(...perRank.map((t) => t[i]!)));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Bus bandwidth in GB/s (1e9 bytes/s) for `bytes` reduced by `n` ranks in `us` microseconds. */
export function busBandwidthGBps(bytes: number, n: number, us: number): number {
  const algbw = bytes / (us * 1e-6) / 1e9;
  return n > 1 ? (algbw * 2 * (n - 1)) / n : algbw;
}

/**
 * Iterations for a size: many for small messages, fewer for large (bounded both ways).
 * Warm-up scales the same way, up to 5000 for small messages: a JIT-compiled rank keeps
 * getting faster for thousands of ops (TCP 4 KiB, N = 2, ranks bound to cores: ~100 µs
 * after 1000 warm-up ops, 55-80 µs after 5000, 45-55 µs after 20000), and a training job runs
 * millions of them. MPI ranks get the same warm-up and iterations.
 */
export function iterationsFor(bytes: number, quick: boolean): { iters: number; warmup: number } {
  const budget = quick ? 2 ** 26 : 2 ** 29;
  const iters = Math.max(quick ? 5 : 9, Math.min(quick ? 50 : 1000, Math.floor(budget / bytes)));
  const warmup = Math.max(2, Math.min(quick ? 200 : 5000, Math.floor(budget / bytes / 4)));
  return { iters, warmup };
}
