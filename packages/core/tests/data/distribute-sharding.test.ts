/**
 * Must-show properties of distributeDataset over W workers x L local replicas: one epoch's
 * shards are disjoint, cover the permutation, differ by at most one batch; every worker
 * runs the same steps; every replica takes part in every step (size 0 included) and only
 * ever gets examples of its own worker's shard.
 */
import fc from 'fast-check';
import { distributeDataset } from '../../src/data/distribute';
import { shardIndices } from '../../src/data/shard';
import { SHARED_ALLOCATOR } from '../../src/data/batch';
import { indexSource, indicesOf } from './helpers';

interface Run {
  steps: number;
  perWorker: number[][];
  perStepSizes: number[][][]; // [worker][step][replica]
}

function runEpoch(n: number, W: number, L: number, perReplica: number, seed: number, epoch: number, dropRemainder = false): Run {
  const source = indexSource(n);
  const G = perReplica * W * L;
  const perWorker: number[][] = [];
  const perStepSizes: number[][][] = [];
  let steps = -1;
  for (let w = 0; w < W; w++) {
    const ds = distributeDataset(
      source,
      { globalBatchSize: G, seed, dropRemainder, autoShardPolicy: 'DATA' },
      {
        numInputPipelines: W,
        inputPipelineId: w,
        numReplicasInSync: W * L,
      },
    );
    if (steps >= 0 && ds.stepsPerEpoch !== steps) throw new Error('workers disagree on stepsPerEpoch');
    steps = ds.stepsPerEpoch;
    const mine: number[] = [];
    const sizes: number[][] = [];
    for (const batches of ds.epoch(epoch)) {
      if (batches.length !== L) throw new Error(`worker ${w} yielded ${batches.length} batches for ${L} replicas`);
      sizes.push(batches.map((b) => b.size));
      for (const b of batches) mine.push(...indicesOf(b));
    }
    if (sizes.length !== steps) throw new Error(`worker ${w} yielded ${sizes.length} steps, stepsPerEpoch ${steps}`);
    perWorker.push(mine);
    perStepSizes.push(sizes);
  }
  return { steps, perWorker, perStepSizes };
}

const config = fc.record({
  n: fc.integer({ min: 1, max: 700 }),
  W: fc.integer({ min: 1, max: 5 }),
  L: fc.integer({ min: 1, max: 3 }),
  perReplica: fc.integer({ min: 1, max: 16 }),
  seed: fc.nat(),
  epoch: fc.nat(20),
});

describe('distributeDataset: one epoch over W workers (DATA)', () => {
  it('shards are disjoint, cover the permutation, differ by at most one example; all workers run the same steps', () => {
    fc.assert(
      fc.property(config, ({ n, W, L, perReplica, seed, epoch }) => {
        const { perWorker, steps } = runEpoch(n, W, L, perReplica, seed, epoch);
        const all = perWorker.flat();
        const sizes = perWorker.map((s) => s.length);
        expect(all.length).toBe(n);
        expect(new Set(all).size).toBe(n);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(steps).toBe(Math.ceil(n / (perReplica * W * L)));
      }),
      { numRuns: 60 },
    );
  });

  it('every worker holds exactly shardIndices (every W-th element of the epoch permutation)', () => {
    fc.assert(
      fc.property(config, ({ n, W, L, perReplica, seed, epoch }) => {
        const { perWorker } = runEpoch(n, W, L, perReplica, seed, epoch);
        for (let w = 0; w < W; w++) {
          const expected = [...shardIndices({ datasetSize: n, worldSize: W, rank: w, epoch, seed })].sort((a, b) => a - b);
          expect([...perWorker[w]!].sort((a, b) => a - b)).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('partial final step: every replica takes part, full steps are full, short ones split evenly', () => {
    fc.assert(
      fc.property(config, ({ n, W, L, perReplica, seed }) => {
        const { perStepSizes, steps } = runEpoch(n, W, L, perReplica, seed, 0);
        for (let s = 0; s < steps; s++) {
          const row = perStepSizes.map((w) => w[s]!).flat();
          expect(row.length).toBe(W * L); // every replica has a batch, maybe of size 0
          if (s < steps - 1) expect(row.every((x) => x === perReplica)).toBe(true);
          expect(Math.max(...row) - Math.min(...row)).toBeLessThanOrEqual(1);
          expect(row.reduce((a, b) => a + b, 0)).toBe(Math.min(perReplica * W * L, n - s * perReplica * W * L));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a tiny dataset (fewer examples than replicas) still gives every replica a (size-0) batch', () => {
    const { perStepSizes, steps } = runEpoch(3, 2, 2, 4, 1, 0);
    expect(steps).toBe(1);
    expect(perStepSizes.map((w) => w[0])).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });

  it('dropRemainder: floor(n / G) steps, all full', () => {
    const { steps, perStepSizes } = runEpoch(100, 2, 2, 6, 3, 0, true);
    expect(steps).toBe(4);
    expect(perStepSizes.flat(2).every((x) => x === 6)).toBe(true);
  });
});

describe('distributeDataset: order', () => {
  it('the same seed gives the same batches on independently built datasets; another epoch another order', () => {
    const source = indexSource(500);
    const make = (): ReturnType<typeof distributeDataset> =>
      distributeDataset(source, { globalBatchSize: 32, seed: 77 }, { numInputPipelines: 2, inputPipelineId: 1, numReplicasInSync: 4 });
    const collect = (ds: ReturnType<typeof distributeDataset>, epoch: number): number[][] =>
      Array.from(ds.epoch(epoch), (bs) => bs.flatMap((b) => indicesOf(b)));
    const a = make();
    const b = make();
    expect(collect(a, 3)).toEqual(collect(b, 3));
    expect(collect(a, 4)).not.toEqual(collect(a, 3));
    const other = distributeDataset(source, { globalBatchSize: 32, seed: 78 }, { numInputPipelines: 2, inputPipelineId: 1, numReplicasInSync: 4 });
    expect(collect(other, 3)).not.toEqual(collect(a, 3));
  });

  it('shuffle: false reads in order', () => {
    const ds = distributeDataset(indexSource(10), { globalBatchSize: 4, shuffle: false });
    expect(Array.from(ds.epoch(0), (bs) => indicesOf(bs[0]!))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('batch buffers are reused: a step stays intact while the next is built (ring depth 2), then is overwritten', () => {
    const ds = distributeDataset(indexSource(10), { globalBatchSize: 4, shuffle: false });
    expect(ds.ringDepth).toBe(2);
    const s0 = ds.step(0, 0)[0]!;
    const s1 = ds.step(0, 1)[0]!;
    expect(indicesOf(s0)).toEqual([0, 1, 2, 3]);
    expect(indicesOf(s1)).toEqual([4, 5, 6, 7]);
    const s2 = ds.step(0, 0)[0]!;
    expect(s2.x.buffer).toBe(s0.x.buffer); // same memory, no allocation per step
  });

  it('a SharedArrayBuffer allocator puts batches in shared memory (for worker_threads replicas)', () => {
    const ds = distributeDataset(indexSource(20), { globalBatchSize: 4, allocator: SHARED_ALLOCATOR }, { numReplicasInSync: 2 });
    const [a, b] = ds.step(0, 0);
    expect(a!.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b!.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(indicesOf(a!).length + indicesOf(b!).length).toBe(4);
  });
});
