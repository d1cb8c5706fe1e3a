/**
 * Real-valued labels (issue 17) through the in-memory pipeline: a regression loss's batches
 * carry Float32Array labels bit-exactly, classification batches stay Int32Array class ids,
 * and a fractional label on the classification path is refused by name, never truncated.
 */
import { DataError } from '../errors/data-error';
import { labelBounds, labelInBounds, labelKindOf } from '../model/resolve-loss';
import { BatchSlots } from '../internal/replica/batch-slots';
import { SHARED_ALLOCATOR } from './batch';
import { distributeDataset } from './distribute';
import { InMemorySource } from './in-memory-source';

const N = 10;
/** Example i has the single feature i; its target is a fraction no int32 can hold. */
const targets = Float32Array.from({ length: N }, (_, i) => (i - 4.5) * 0.3141592653589793 + 1e-3 * i);
const source = (y: Float32Array | Int32Array = targets): InMemorySource =>
  new InMemorySource({ x: Float32Array.from({ length: N }, (_, i) => i), y, exampleShape: [1], name: 'fractions' });

/** [feature id, label] of every example of epoch 0, over all replicas. */
function pairs(ds: ReturnType<typeof distributeDataset>): [number, number, string][] {
  const out: [number, number, string][] = [];
  for (const step of ds.epoch(0)) for (const b of step) for (let k = 0; k < b.size; k++) out.push([b.x[k]!, b.y[k]!, b.y.constructor.name]);
  return out;
}

describe('float32 labels, in memory', () => {
  it('the loss decides the label kind: float32 for regression and binary cross-entropy, int32 for the categorical losses', () => {
    expect(labelKindOf('meanSquaredError')).toBe('float32');
    expect(labelKindOf({ name: 'meanAbsoluteError' })).toBe('float32');
    expect(labelKindOf({ loss: { name: 'binaryCrossentropy', fromLogits: true } })).toBe('float32');
    expect(labelKindOf('sparseCategoricalCrossentropy')).toBe('int32');
    expect(labelKindOf({ loss: 'categoricalCrossentropy' })).toBe('int32');
    expect(labelKindOf({ loss: undefined } as never)).toBe('int32'); // an unparsed spec: the default loss
    const bce = labelBounds({ name: 'binaryCrossentropy', output: 'logits', link: 'sigmoid' }, 1);
    expect([0, 0.25, 1].map((v) => labelInBounds(v, bce))).toEqual([true, true, true]);
    expect([-0.01, 1.01, Number.NaN].map((v) => labelInBounds(v, bce))).toEqual([false, false, false]);
    const mse = labelBounds({ name: 'meanSquaredError', output: 'values', link: 'none' }, 1);
    expect([-1e30, 0.1, 3e38].map((v) => labelInBounds(v, mse))).toEqual([true, true, true]);
    expect([Number.POSITIVE_INFINITY, Number.NaN].map((v) => labelInBounds(v, mse))).toEqual([false, false]);
    const sparse = labelBounds({ name: 'sparseCategoricalCrossentropy', output: 'fused', link: 'softmax' }, 3);
    expect([0, 2, 2.5, 3].map((v) => labelInBounds(v, sparse))).toEqual([true, true, false, false]);
  });

  it('a Float32Array source yields Float32Array batches holding the targets bit for bit, over replicas and a short last step', () => {
    const ds = distributeDataset(source(), { globalBatchSize: 4, seed: 3 }, { numReplicasInSync: 2 });
    const seen = pairs(ds);
    expect(seen).toHaveLength(N);
    for (const [id, y, type] of seen) {
      expect(type).toBe('Float32Array');
      expect(Object.is(y, targets[id]!)).toBe(true);
    }
  });

  it('labelKind float32 carries integer class-like targets as floats (an Int32Array source for a regression)', () => {
    const ints = Int32Array.from({ length: N }, (_, i) => 100 * i - 7);
    const seen = pairs(distributeDataset(source(ints), { globalBatchSize: 5, shuffle: false, labelKind: 'float32' }));
    expect(seen.map(([, y, t]) => [y, t])).toEqual(Array.from(ints, (v) => [v, 'Float32Array']));
  });

  it('shared-memory rings and the replica slots keep float32 labels bit-exact', () => {
    const ds = distributeDataset(source(), { globalBatchSize: 4, shuffle: false, allocator: SHARED_ALLOCATOR }, { numReplicasInSync: 2 });
    const [first] = ds.epoch(0);
    const b = first![0]!;
    expect(b.y).toBeInstanceOf(Float32Array);
    expect(b.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    const slots = new BatchSlots({ count: 2, maxExamples: 4, exampleLength: 1 });
    expect(slots.write(1, b)).toBe('float32');
    const back = slots.read(1, b.size, [1], 'float32');
    expect(back.y).toBeInstanceOf(Float32Array);
    expect(Array.from(back.y)).toEqual(Array.from(b.y));
    expect(slots.write(0, { x: new Float32Array(2), y: Int32Array.from([3, 4]), size: 2, exampleShape: [1] })).toBe('int32');
    expect(Array.from(slots.read(0, 2, [1]).y)).toEqual([3, 4]);
  });

  it('a resumed iterator state gives the same float labels as an uninterrupted run', () => {
    const make = (): ReturnType<typeof distributeDataset> & { stateAt(e: number, s: number): unknown; resume(s: unknown): { epoch: number; step: number } } =>
      distributeDataset(source(), { globalBatchSize: 3, seed: 11 }) as never;
    const all = [...make().epoch(1)].map((s) => Array.from(s[0]!.y));
    const again = make();
    const at = again.resume(JSON.parse(JSON.stringify(make().stateAt(1, 2))));
    expect(at).toEqual({ epoch: 1, step: 2 });
    expect([...again.epoch(at.epoch, at.step)].map((s) => Array.from(s[0]!.y))).toEqual(all.slice(2));
  });

  it('classification keeps int32 class ids; a fractional label is refused naming the source and the example', () => {
    const whole = Float32Array.from({ length: N }, (_, i) => i % 3);
    const seen = pairs(distributeDataset(source(whole), { globalBatchSize: 5, shuffle: false, labelKind: 'int32' }));
    expect(seen.map(([, y, t]) => [y, t])).toEqual(Array.from(whole, (v) => [v, 'Int32Array']));
    expect(pairs(distributeDataset(source(Int32Array.from(whole)), { globalBatchSize: 5 })).every(([, , t]) => t === 'Int32Array')).toBe(true);
    const ds = distributeDataset(source(), { globalBatchSize: 5, shuffle: false, labelKind: 'int32' });
    expect(() => pairs(ds)).toThrow(DataError);
    expect(() => pairs(distributeDataset(source(), { globalBatchSize: 5, shuffle: false, labelKind: 'int32' }))).toThrow(
      /fractions: label -1\.41\d* of example 0 is not an integer class id/,
    );
  });
});
