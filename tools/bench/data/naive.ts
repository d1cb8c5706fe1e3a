/**
 * The naive reference pipeline the data benchmark compares against: what one writes
 * without care for allocation: an Array of indices shuffled with a small seeded float
 * generator (mulberry32; workers must agree, so not Math.random), sharded with filter,
 * each batch a slice of indices copied into fresh typed arrays.
 */

/** One naive batch. */
export interface NaiveBatch {
  x: Float32Array;
  y: Int32Array;
}

/** mulberry32: a tiny seeded generator of floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields one epoch (`epoch` seeds the shuffle) of worker `rank`'s batches of G / W examples. */
export function* naiveEpoch(
  images: Uint8Array,
  labels: Uint8Array,
  exampleLength: number,
  G: number,
  W: number,
  rank: number,
  epoch = 0,
): Generator<NaiveBatch> {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(epoch * 7919 + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const mine = order.filter((_, i) => i % W === rank);
  const per = G / W;
  for (let s = 0; s < mine.length; s += per) {
    const idx = mine.slice(s, s + per);
    const x = new Float32Array(idx.length * exampleLength);
    const y = new Int32Array(idx.length);
    idx.forEach((e, k) => {
      const pixels = images.slice(e * exampleLength, (e + 1) * exampleLength);
      for (let p = 0; p < exampleLength; p++) x[k * exampleLength + p] = pixels[p]! / 255;
      y[k] = labels[e]!;
    });
    yield { x, y };
  }
}
