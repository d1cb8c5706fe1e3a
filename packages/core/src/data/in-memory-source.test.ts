import { InMemorySource } from './in-memory-source';
import { BatchRing, splitEven } from './batch';

describe('InMemorySource', () => {
  it('copies float features as given and scales bytes', () => {
    const f = new InMemorySource({ x: Float32Array.from([1, 2, 3, 4]), y: Int32Array.from([7, 8]), exampleShape: [2] });
    const out = new Float32Array(5);
    f.readFeatures(1, out, 3);
    expect([...out]).toEqual([0, 0, 0, 3, 4]);
    expect(f.label(1)).toBe(8);
    const b = new InMemorySource({ x: Uint8Array.from([0, 255, 51, 102]), y: Uint8Array.from([1, 2]), exampleShape: [2] });
    b.readFeatures(1, out, 0);
    expect(out[0]).toBeCloseTo(0.2, 6);
    expect(b.slice(1, 2).size).toBe(1);
  });

  it('rejects features that do not match the labels and bad shapes', () => {
    expect(() => new InMemorySource({ x: new Float32Array(5), y: new Int32Array(2), exampleShape: [2] })).toThrow(
      /features hold 5 values but 2 labels of shape \[2\] need 4/,
    );
    expect(() => new InMemorySource({ x: new Float32Array(0), y: new Int32Array(0), exampleShape: [0] })).toThrow(/exampleShape/);
  });
});

describe('batch buffers', () => {
  it('splitEven spreads a count over parts, earlier parts taking the extra', () => {
    expect([0, 1, 2].map((p) => splitEven(7, 3, p))).toEqual([
      { start: 0, size: 3 },
      { start: 3, size: 2 },
      { start: 5, size: 2 },
    ]);
    expect(splitEven(1, 3, 2)).toEqual({ start: 1, size: 0 });
  });

  it('a ring reuses its preallocated buffers and gives short batches as views', () => {
    const ring = new BatchRing(2, 4, [3], 2);
    expect(ring.batch(0, 1, 4).x).toBe(ring.features(0, 1));
    const short = ring.batch(1, 0, 2);
    expect(short.x.length).toBe(6);
    expect(short.x.buffer).toBe(ring.features(1, 0).buffer);
    expect(ring.batch(1, 0, 0).size).toBe(0);
    expect(ring.slotOf(5)).toBe(1);
  });
});
