/**
 * Virtual epochs, resume and stepsPerExecution groups of distributeDataset: step counts
 * for sizes that do and do not divide, the stream running across real passes (each a
 * fresh permutation), and save/resume mid-epoch continuing identically.
 */
import fc from 'fast-check';
import { isSynclineError } from '../../src/errors/syncline-error';
import { distributeDataset } from '../../src/data/distribute';
import { serializeIteratorState } from '../../src/data/iterator-state';
import { permutation } from '../../src/data/shuffle';
import { indexSource, indicesOf } from './helpers';

describe('virtual epochs', () => {
  it('stepsPerEpoch = ceil(V / G), or floor with dropRemainder, for sizes that do and do not divide', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), (n, V, G, drop) => {
        if (drop && V < G) {
          expect(() => distributeDataset(indexSource(n), { globalBatchSize: G, virtualEpochSize: V, dropRemainder: true })).toThrow(/virtualEpochSize/);
          return;
        }
        const ds = distributeDataset(indexSource(n), { globalBatchSize: G, virtualEpochSize: V, dropRemainder: drop });
        expect(ds.stepsPerEpoch).toBe(drop ? Math.floor(V / G) : Math.ceil(V / G));
        let total = 0;
        for (let s = 0; s < ds.stepsPerEpoch; s++) total += ds.examplesInStep(s);
        expect(total).toBe(drop ? Math.floor(V / G) * G : V);
      }),
      { numRuns: 200 },
    );
    expect(distributeDataset(indexSource(10), { globalBatchSize: 5, virtualEpochSize: 100 }).stepsPerEpoch).toBe(20);
    expect(distributeDataset(indexSource(10), { globalBatchSize: 7, virtualEpochSize: 100 }).stepsPerEpoch).toBe(15);
  });

  it('the stream runs on across real passes, reshuffling at each: consecutive epochs read pass 0, pass 1, ...', () => {
    const n = 37;
    const V = 50; // does not divide n: epochs straddle passes
    const ds = distributeDataset(indexSource(n), { globalBatchSize: 8, virtualEpochSize: V, seed: 4 });
    const stream: number[] = [];
    for (let e = 0; e < 4; e++) {
      let inEpoch = 0;
      for (const bs of ds.epoch(e))
        for (const b of bs) {
          const ids = indicesOf(b);
          inEpoch += ids.length;
          stream.push(...ids);
        }
      expect(inEpoch).toBe(V);
    }
    for (let pass = 0; pass * n + n <= stream.length; pass++) {
      expect(stream.slice(pass * n, pass * n + n)).toEqual([...permutation(n, 4, pass)]);
    }
    expect(stream.slice(0, n)).not.toEqual(stream.slice(n, 2 * n));
  });

  it('DATA workers together read the same global stream as one worker would, across epochs', () => {
    const n = 45;
    const opts = { globalBatchSize: 12, virtualEpochSize: 70, seed: 8 };
    const single = distributeDataset(indexSource(n), opts);
    const workers = [0, 1, 2].map((w) => distributeDataset(indexSource(n), opts, { numInputPipelines: 3, inputPipelineId: w, numReplicasInSync: 6 }));
    for (let e = 0; e < 3; e++) {
      for (let s = 0; s < single.stepsPerEpoch; s++) {
        const expected = indicesOf(single.step(e, s)[0]!).sort((a, b) => a - b);
        const got = workers.flatMap((ds) => ds.step(e, s).flatMap((b) => indicesOf(b))).sort((a, b) => a - b);
        expect(got).toEqual(expected);
      }
    }
  });
});

describe('iterator state: save and resume', () => {
  it('resuming mid-epoch from serialized state continues exactly as the uninterrupted run', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 300 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        fc.integer({ min: 0, max: 1000 }),
        (n, W, perReplica, seed, cut) => {
          const opts = { globalBatchSize: perReplica * W, seed, virtualEpochSize: n + 7 };
          const ctx = { numInputPipelines: W, inputPipelineId: W - 1, numReplicasInSync: W };
          const full = distributeDataset(indexSource(n), opts, ctx);
          const S = full.stepsPerEpoch;
          const stopEpoch = cut % 3;
          const stopStep = cut % (S + 1);
          const reference: number[][] = [];
          for (let e = stopEpoch; e < 4; e++) {
            for (const bs of full.epoch(e, e === stopEpoch ? stopStep : 0)) reference.push(bs.flatMap((b) => indicesOf(b)));
          }
          const saved = serializeIteratorState(full.stateAt(stopEpoch, stopStep));
          const resumed = distributeDataset(indexSource(n), opts, ctx);
          const at = resumed.resume(JSON.parse(JSON.stringify(saved)) as string);
          const replay: number[][] = [];
          for (let e = at.epoch; e < 4; e++) {
            for (const bs of resumed.epoch(e, e === at.epoch ? at.step : 0)) replay.push(bs.flatMap((b) => indicesOf(b)));
          }
          expect(replay).toEqual(reference);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the state records pass and offset of the global stream and is the same on every rank', () => {
    const opts = { globalBatchSize: 10, virtualEpochSize: 35, seed: 1 };
    const a = distributeDataset(indexSource(30), opts, { numInputPipelines: 2, inputPipelineId: 0, numReplicasInSync: 2 });
    const b = distributeDataset(indexSource(30), opts, { numInputPipelines: 2, inputPipelineId: 1, numReplicasInSync: 2 });
    expect(a.stateAt(1, 2)).toEqual(b.stateAt(1, 2));
    expect(a.stateAt(1, 2)).toMatchObject({ epoch: 1, step: 2, pass: 1, offset: 25, seed: 1 });
    expect(a.resume(a.stateAt(1, a.stepsPerEpoch))).toEqual({ epoch: 2, step: 0 });
  });

  it('resuming under another configuration is a ShardMismatchError naming the field', () => {
    const a = distributeDataset(indexSource(30), { globalBatchSize: 10, seed: 1 });
    const b = distributeDataset(indexSource(30), { globalBatchSize: 10, seed: 2 });
    try {
      b.resume(a.stateAt(0, 1));
      throw new Error('no error');
    } catch (e) {
      expect(isSynclineError(e) && e.code).toBe('SHARD_MISMATCH');
      expect((e as Error).message).toMatch(/seed = 1 .* seed = 2/);
    }
    const tampered = { ...a.stateAt(0, 1), offset: 3 };
    expect(() => a.resume(tampered)).toThrow(/offset/);
    expect(() => a.resume('{not json')).toThrow(/iteratorState/);
  });
});

describe('stepsPerExecution groups', () => {
  it('groups k steps per round trip, the last group of an epoch shorter, all batches of a group intact', () => {
    const ds = distributeDataset(indexSource(50), { globalBatchSize: 4, stepsPerExecution: 3, shuffle: false }, { numReplicasInSync: 2 });
    expect(ds.stepsPerEpoch).toBe(13);
    const groups = [...ds.groups(0)];
    expect(groups.map((g) => [g.firstStep, g.steps])).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
      [9, 3],
      [12, 1],
    ]);
    // the spread above consumed all groups: only the last group is guaranteed intact now
    let checked = 0;
    for (const g of ds.groups(0, 3, 6)) {
      expect(g.batches.map((bs) => bs.flatMap((b) => indicesOf(b)))).toEqual(
        Array.from({ length: g.steps }, (_, i) => Array.from({ length: 4 }, (_, j) => (g.firstStep + i) * 4 + j).filter((v) => v < 50)),
      );
      checked++;
    }
    expect(checked).toBe(3);
    expect(() => [...ds.groups(0, 4)]).toThrow(/stepsPerExecution/);
  });
});

describe('elastic resume (DATA)', () => {
  it('a state saved with 2 workers resumes with 1 or 3: together they read what the old workers would have', () => {
    const n = 97;
    const base = { globalBatchSize: 12, seed: 21, virtualEpochSize: 130 };
    const ctx = (W: number, w: number): { numInputPipelines: number; inputPipelineId: number; numReplicasInSync: number } => ({
      numInputPipelines: W,
      inputPipelineId: w,
      numReplicasInSync: W * 2,
    });
    const old = [0, 1].map((w) => distributeDataset(indexSource(n), base, ctx(2, w)));
    const saved = serializeIteratorState(old[0]!.stateAt(1, 4));
    const expected = (e: number, s: number): number[] => old.flatMap((ds) => ds.step(e, s).flatMap((b) => indicesOf(b))).sort((a, b) => a - b);
    for (const W of [1, 3]) {
      const fresh = Array.from({ length: W }, (_, w) => distributeDataset(indexSource(n), base, ctx(W, w)));
      const at = fresh[0]!.resume(saved);
      expect(at).toEqual({ epoch: 1, step: 4 });
      for (const [e, s] of [
        [1, 4],
        [1, 10],
        [2, 0],
      ] as const) {
        const got = fresh.flatMap((ds) => ds.step(e, s).flatMap((b) => indicesOf(b))).sort((a, b) => a - b);
        expect(got).toEqual(expected(e, s));
      }
    }
    const fileLike = { ...old[0]!.stateAt(1, 4), policy: 'FILE' as const };
    expect(() => old[0]!.resume(fileLike)).toThrow(/policy/);
  });
});
