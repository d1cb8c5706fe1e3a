/**
 * FILE sharding as a property over random file sizes (an in-memory FileListSource): all
 * workers agree on stepsPerEpoch, each reads only its files, per-epoch counts differ by at
 * most one example, and the global step sizes add up to the epoch.
 */
import fc from 'fast-check';
import { distributeDataset } from '../../src/data/distribute';
import { concatSources, type FileListSource } from '../../src/data/file-list-source';
import { indexSource, indicesOf } from './helpers';

function memoryFiles(sizes: number[]): FileListSource {
  const starts = sizes.map((_, f) => sizes.slice(0, f).reduce((a, b) => a + b, 0));
  return {
    kind: 'file-list',
    files: sizes.map((_, f) => `file-${f}`),
    fileSizes: sizes,
    size: sizes.reduce((a, b) => a + b, 0),
    exampleShape: [2],
    open: (idx) =>
      concatSources(
        idx.map((f) => indexSource(sizes[f]!, starts[f])),
        [2],
      ),
  };
}

describe('FILE sharding (property)', () => {
  it('equal steps on every worker, own files only, counts within one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(5),
        (sizes, W0, perReplica, epoch) => {
          const W = Math.min(W0, sizes.length);
          const src = memoryFiles(sizes);
          const fileOf = (id: number): number => {
            let acc = 0;
            for (let f = 0; f < sizes.length; f++) {
              acc += sizes[f]!;
              if (id < acc) return f;
            }
            return -1;
          };
          const counts: number[] = [];
          const steps = new Set<number>();
          for (let w = 0; w < W; w++) {
            const ds = distributeDataset(
              src,
              { globalBatchSize: perReplica * W, autoShardPolicy: 'FILE', seed: 5 },
              { numInputPipelines: W, inputPipelineId: w, numReplicasInSync: W },
            );
            steps.add(ds.stepsPerEpoch);
            let n = 0;
            const firstPass: number[] = [];
            for (const bs of ds.epoch(epoch))
              for (const b of bs)
                for (const id of indicesOf(b)) {
                  expect(fileOf(id) % W).toBe(w);
                  n++;
                  if (epoch === 0 && firstPass.length < ds.localSize) firstPass.push(id);
                }
            if (epoch === 0) expect(new Set(firstPass).size).toBe(firstPass.length); // no repeats inside one pass
            counts.push(n);
          }
          expect(steps.size).toBe(1);
          expect(counts.reduce((a, b) => a + b, 0)).toBe(src.size);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 80 },
    );
  });
});
