import fc from 'fast-check';
import { isSynclineError } from '../errors/syncline-error';
import { assignFiles, resolveAutoShardPolicy, shardIndices, shareOf } from './shard';
import { permutation } from './shuffle';

describe('resolveAutoShardPolicy (TensorFlow meanings)', () => {
  it.each([
    ['AUTO', 4, 2, 'FILE'],
    ['AUTO', 2, 2, 'FILE'],
    ['AUTO', 1, 2, 'DATA'],
    ['AUTO', undefined, 2, 'DATA'],
    ['DATA', 8, 2, 'DATA'],
    ['FILE', 3, 3, 'FILE'],
    ['OFF', 8, 4, 'OFF'],
    ['AUTO', 8, 1, 'OFF'],
    ['DATA', undefined, 1, 'OFF'],
  ] as const)('%s with %s files and %d workers -> %s', (policy, files, workers, expected) => {
    expect(resolveAutoShardPolicy(policy, files, workers)).toBe(expected);
  });

  it('FILE with fewer files than workers, or without files, is a config error that suggests DATA', () => {
    for (const [files, workers] of [
      [1, 2],
      [undefined, 2],
    ] as const) {
      try {
        resolveAutoShardPolicy('FILE', files, workers);
        throw new Error('no error');
      } catch (e) {
        expect(isSynclineError(e) && e.code).toBe('INVALID_CONFIG');
        expect((e as Error).message).toMatch(/DATA/);
      }
    }
    expect(() => resolveAutoShardPolicy('BOGUS' as never, 1, 1)).toThrow(/one of OFF, AUTO, FILE, DATA/);
  });

  it('assigns file f to worker f mod W', () => {
    expect(assignFiles(7, 3, 0)).toEqual([0, 3, 6]);
    expect(assignFiles(7, 3, 2)).toEqual([2, 5]);
  });
});

describe('shardIndices (DATA: every W-th element of the shuffled order)', () => {
  it('shards are disjoint, cover the permutation and differ in size by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 9 }), fc.nat(50), fc.nat(), (n, W, epoch, seed) => {
        const shards = Array.from({ length: W }, (_, rank) => shardIndices({ datasetSize: n, worldSize: W, rank, epoch, seed }));
        const seen = new Uint8Array(n);
        for (const s of shards)
          for (const i of s) {
            if (seen[i]) return false;
            seen[i] = 1;
          }
        const sizes = shards.map((s) => s.length);
        return seen.every((v) => v === 1) && Math.max(...sizes) - Math.min(...sizes) <= 1;
      }),
      { numRuns: 100 },
    );
  });

  it('keeps elements rank, rank + W, ... of the pass permutation, identical on every call', () => {
    const perm = permutation(100, 5, 2);
    const s = shardIndices({ datasetSize: 100, worldSize: 3, rank: 1, epoch: 2, seed: 5 });
    expect([...s]).toEqual([...perm].filter((_, i) => i % 3 === 1));
    expect([...shardIndices({ datasetSize: 100, worldSize: 3, rank: 1, epoch: 2, seed: 5 })]).toEqual([...s]);
    expect([...shardIndices({ datasetSize: 100, worldSize: 3, rank: 1, epoch: 3, seed: 5 })]).not.toEqual([...s]);
  });

  it('OFF gives every worker the whole order; shuffle: false the identity', () => {
    expect(shardIndices({ datasetSize: 10, worldSize: 4, rank: 3, epoch: 0, policy: 'OFF' }).length).toBe(10);
    expect([...shardIndices({ datasetSize: 6, worldSize: 2, rank: 0, epoch: 0, shuffle: false })]).toEqual([0, 2, 4]);
  });

  it("shareOf counts each rank's elements of a run", () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 1, max: 12 }), (count, W) => {
        let total = 0;
        for (let r = 0; r < W; r++) {
          let expected = 0;
          for (let j = 0; j < count; j++) if (j % W === r) expected++;
          if (shareOf(count, W, r) !== expected) return false;
          total += expected;
        }
        return total === count;
      }),
    );
  });

  it('rejects a bad world size or rank with the values in the message', () => {
    expect(() => shardIndices({ datasetSize: 5, worldSize: 3, rank: 5, epoch: 0 })).toThrow(/rank is 5; expected an integer in \[0, 2\]/);
    expect(() => shardIndices({ datasetSize: 5, worldSize: 0, rank: 0, epoch: 0 })).toThrow(/worldSize/);
  });
});
