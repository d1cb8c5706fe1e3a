/** Test helpers: sources whose features encode the example index, and decoding batches back. */
import type { Batch } from '../../src/contracts/batch';
import { InMemorySource } from '../../src/data/in-memory-source';

/** n examples of shape [2]: features (i, -i), label i mod 10. */
export function indexSource(n: number, offset = 0): InMemorySource {
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i + offset;
    x[2 * i + 1] = -(i + offset);
    y[i] = (i + offset) % 10;
  }
  return new InMemorySource({ x, y, exampleShape: [2] });
}

/** Example indices held by a batch (checks that features and labels agree). */
export function indicesOf(b: Batch): number[] {
  const out: number[] = [];
  for (let k = 0; k < b.size; k++) {
    const i = b.x[2 * k]!;
    if (b.x[2 * k + 1] !== -i || b.y[k] !== i % 10) throw new Error(`batch row ${k} is torn: x=(${b.x[2 * k]}, ${b.x[2 * k + 1]}) y=${b.y[k]}`);
    out.push(i);
  }
  if (b.x.length !== b.size * 2 || b.y.length !== b.size) throw new Error('batch arrays do not match its size');
  return out;
}
