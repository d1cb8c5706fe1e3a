/**
 * What the peers bench's rows share: the median of a few rounds, and a seeded random batch
 * of Fashion-MNIST's shape (the step time does not depend on the pixels).
 */
import type { Batch } from '@syncline/core';

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `size` examples of [28, 28, 1] uniform pixels and labels 0-9 from an LCG seeded with `seed`. */
export function randomBatch(size: number, seed: number): Batch {
  let s = seed;
  const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  return {
    x: Float32Array.from({ length: size * 784 }, rand),
    y: Int32Array.from({ length: size }, () => Math.floor(rand() * 10)),
    size,
    exampleShape: [28, 28, 1],
  };
}
