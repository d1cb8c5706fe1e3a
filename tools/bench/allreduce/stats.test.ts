import { busBandwidthGBps, median, slowestPerIteration, iterationsFor } from './stats';

describe('allreduce bench statistics (nccl-tests definitions)', () => {
  it('takes the slowest rank per iteration, then the median', () => {
    expect(
      slowestPerIteration([
        [1, 5, 3],
        [2, 4, 9],
      ]),
    ).toEqual([2, 5, 9]);
    expect(median([9, 2, 5])).toBe(5);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
  it('busbw = bytes/time * 2(N-1)/N', () => {
    expect(busBandwidthGBps(1e9, 2, 1e6)).toBeCloseTo(1);
    expect(busBandwidthGBps(1e9, 4, 1e6)).toBeCloseTo(1.5);
  });
  it('runs more iterations for small messages', () => {
    expect(iterationsFor(4096, false).iters).toBeGreaterThan(iterationsFor(64 << 20, false).iters);
    expect(iterationsFor(4096, false).warmup).toBe(5000);
    expect(iterationsFor(4096, false).iters).toBe(1000);
    expect(iterationsFor(64 << 20, false).warmup).toBe(2);
  });
});
