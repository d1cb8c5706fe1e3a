/**
 * FILE and OFF auto-sharding through distributeDataset over real IDX shard files: under
 * FILE each worker reads only its files yet every worker runs the same number of steps;
 * AUTO picks FILE or DATA by file count; OFF gives every worker everything.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distributeDataset } from '../../src/data/distribute';
import { idxFileListSource, type IdxShard } from '../../src/data/file-list-source';
import { encodeIdx } from '../../src/data/idx-writer';
import type { Batch } from '../../src/contracts/batch';

let dir: string;
let shards: IdxShard[];
const SIZES = [7, 5, 9, 4, 6]; // uneven on purpose
const PIXELS = 4; // 2x2 images

/** Example with global id g has pixels (g, g, g, g) and label g mod 10. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-files-'));
  shards = [];
  let g = 0;
  SIZES.forEach((n, f) => {
    const img = new Uint8Array(n * PIXELS);
    const lab = new Uint8Array(n);
    for (let i = 0; i < n; i++, g++) {
      img.fill(g, i * PIXELS, (i + 1) * PIXELS);
      lab[i] = g % 10;
    }
    const images = join(dir, `shard-${f}-images.gz`);
    const labels = join(dir, `shard-${f}-labels${f % 2 ? '' : '.gz'}`);
    writeFileSync(images, encodeIdx([n, 2, 2], img, true));
    writeFileSync(labels, encodeIdx([n], lab, f % 2 === 0));
    shards.push({ images, labels });
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idsOf = (b: Batch): number[] => Array.from({ length: b.size }, (_, k) => Math.round(b.x[k * PIXELS]! * 255));
const firstIdOfFile = (f: number): number => SIZES.slice(0, f).reduce((a, b) => a + b, 0);
const fileOf = (id: number): number => SIZES.findIndex((_, f) => id >= firstIdOfFile(f) && id < firstIdOfFile(f + 1));

describe('FILE sharding over IDX shards', () => {
  it('reads only the headers up front and knows every file size', () => {
    const src = idxFileListSource(shards);
    expect(src.fileSizes).toEqual(SIZES);
    expect(src.size).toBe(31);
    expect(src.exampleShape).toEqual([2, 2]);
  });

  it('each worker reads only its files (f mod W), all workers run the same steps, every file is read', () => {
    const src = idxFileListSource(shards, { exampleShape: [2, 2, 1] });
    const W = 2;
    const seen: number[][] = [];
    const steps: number[] = [];
    for (let w = 0; w < W; w++) {
      const ds = distributeDataset(
        src,
        { globalBatchSize: 4, autoShardPolicy: 'FILE', seed: 3 },
        { numInputPipelines: W, inputPipelineId: w, numReplicasInSync: 4 },
      );
      expect(ds.policy).toBe('FILE');
      expect(ds.exampleShape).toEqual([2, 2, 1]);
      steps.push(ds.stepsPerEpoch);
      const mine: number[] = [];
      for (const bs of ds.epoch(0)) {
        expect(bs.length).toBe(2);
        for (const b of bs) {
          for (let k = 0; k < b.size; k++) expect(b.y[k]).toBe(idsOf(b)[k]! % 10);
          mine.push(...idsOf(b));
        }
      }
      for (const id of mine) expect(fileOf(id) % W).toBe(w);
      seen.push(mine);
    }
    expect(steps).toEqual([8, 8]); // ceil(31 / 4) on both, though worker 0 holds 22 examples and worker 1 holds 9
    // worker 1 (9 examples) wraps into its next pass; worker 0 (22) reads 16 of its own in one epoch
    expect(seen[1]!.length).toBe(15);
    expect(new Set(seen[1]!.slice(0, 9)).size).toBe(9);
  });

  it('AUTO picks FILE with enough files and DATA with too few; FILE with too few files is an error', () => {
    const src = idxFileListSource(shards.slice(0, 2));
    const ctx3 = (w: number): { numInputPipelines: number; inputPipelineId: number; numReplicasInSync: number } => ({
      numInputPipelines: 3,
      inputPipelineId: w,
      numReplicasInSync: 3,
    });
    expect(distributeDataset(src, { globalBatchSize: 3 }, ctx3(0)).policy).toBe('DATA');
    expect(distributeDataset(idxFileListSource(shards), { globalBatchSize: 3 }, ctx3(0)).policy).toBe('FILE');
    expect(() => distributeDataset(src, { globalBatchSize: 3, autoShardPolicy: 'FILE' }, ctx3(0))).toThrow(/2 file\(s\) for 3 workers/);
  });

  it('DATA over a file list reads all files, sharded by element', () => {
    const src = idxFileListSource(shards);
    const all: number[] = [];
    for (let w = 0; w < 2; w++) {
      const ds = distributeDataset(src, { globalBatchSize: 4, autoShardPolicy: 'DATA' }, { numInputPipelines: 2, inputPipelineId: w, numReplicasInSync: 2 });
      for (const bs of ds.epoch(0)) for (const b of bs) all.push(...idsOf(b));
    }
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, i) => i));
  });
});

describe('OFF sharding', () => {
  it('every worker sees the whole dataset, Gw = G / W per step', () => {
    const src = idxFileListSource(shards);
    for (let w = 0; w < 2; w++) {
      const ds = distributeDataset(
        src,
        { globalBatchSize: 8, autoShardPolicy: 'OFF', seed: 1 },
        { numInputPipelines: 2, inputPipelineId: w, numReplicasInSync: 2 },
      );
      expect(ds.stepsPerEpoch).toBe(Math.ceil(31 / 4));
      expect(ds.examplesInStep(0)).toBe(8);
      const ids: number[] = [];
      for (const bs of ds.epoch(0)) for (const b of bs) ids.push(...idsOf(b));
      expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    }
  });
});
