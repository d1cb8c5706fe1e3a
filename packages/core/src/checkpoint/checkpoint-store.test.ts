import { mkdirSync, mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore } from './checkpoint-store';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import type { WeightLayout } from '../contracts/weight-layout';

const layout: WeightLayout = {
  entries: [
    { name: 'dense_0/kernel', shape: [2, 3], offset: 0, size: 6, trainable: true },
    { name: 'dense_0/bias', shape: [3], offset: 6, size: 3, trainable: true },
  ],
  totalSize: 9,
};
const weights = Float32Array.from({ length: 9 }, (_, i) => i * 0.5 - 1);
const optimizer = { name: 'adam', step: 7, slots: { m: new Float32Array(9).fill(0.25), v: new Float32Array(9).fill(2) } };

function save(store: CheckpointStore, epoch: number): string {
  return store.save({ epoch, step: 0, seed: 1, globalBatchSize: 64, iterator: { epoch }, layout, weights, optimizer });
}

describe('safetensors', () => {
  it('round-trips tensors and metadata with an 8-byte aligned header', () => {
    const buf = encodeSafetensors([{ name: 'a', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }], { k: 'v' });
    expect(Number(buf.readBigUInt64LE(0)) % 8).toBe(0);
    const { tensors, metadata } = decodeSafetensors(buf);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1, 2, 3, 4]);
    expect(metadata).toEqual({ k: 'v' });
  });
  it('rejects a truncated file with a named error', () => {
    const buf = encodeSafetensors([{ name: 'a', shape: [4], data: new Float32Array(4) }]);
    expect(() => decodeSafetensors(buf.subarray(0, buf.length - 3), 'x.safetensors')).toThrow(/x\.safetensors: not a valid safetensors file/);
  });
});

describe('CheckpointStore', () => {
  it('saves atomically and restores weights and optimizer state', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(root, () => undefined);
    save(store, 1);
    const dir = save(store, 2);
    expect(readdirSync(root).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    const c = store.latest(layout)!;
    expect(c.dir).toBe(dir);
    expect(c.meta.epoch).toBe(2);
    expect(Array.from(c.weights)).toEqual(Array.from(weights));
    expect(c.optimizer.step).toBe(7);
    expect(Array.from(c.optimizer.slots.v!)).toEqual(Array.from(optimizer.slots.v));
  });

  it('skips a corrupt newest checkpoint with a warning and keeps the previous one', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const warnings: string[] = [];
    const store = new CheckpointStore(root, (m) => warnings.push(m));
    save(store, 1);
    const newest = save(store, 2);
    const f = join(newest, 'model.safetensors');
    const bytes = readFileSync(f);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(f, bytes);
    expect(store.latest(layout)!.meta.epoch).toBe(1);
    expect(warnings.join()).toMatch(/skipping checkpoint .*ckpt-000002.*checksum mismatch/);
  });

  it('ignores a half-written temp directory left by a kill', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(root, () => undefined);
    save(store, 3);
    writeFileSync(join(root, 'partial'), 'x');
    expect(store.latest(layout)!.meta.epoch).toBe(3);
  });

  it('keeps only the newest N', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(root, () => undefined, 2);
    for (let e = 1; e <= 4; e++) save(store, e);
    expect(store.list().map((d) => d.slice(-21))).toEqual(['ckpt-000004-000000000', 'ckpt-000003-000000000']);
    expect(readdirSync(root).sort()).toEqual(['ckpt-000003-000000000', 'ckpt-000004-000000000']);
  });

  it('removes its own interrupted prune (a .trash-ckpt-* directory named with its run id) on the next write', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(root, () => undefined, 3, 'run-a');
    save(store, 1);
    // What a kill -9 in the middle of deleting an old checkpoint leaves: a renamed, half-empty directory.
    const trash = join(root, '.trash-ckpt-000000-000000000-run-a-1');
    mkdirSync(trash);
    writeFileSync(join(trash, 'model.safetensors'), 'partial');
    expect(store.list()).toHaveLength(1);
    save(store, 2);
    expect(readdirSync(root).sort()).toEqual(['ckpt-000001-000000000', 'ckpt-000002-000000000']);
  });

  it('names a tensor that does not fit the model', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(root, () => undefined);
    const dir = save(store, 1);
    const other: WeightLayout = { entries: [{ ...layout.entries[0]!, size: 5, shape: [5] }], totalSize: 5 };
    expect(() => store.read(dir, other)).toThrow(/tensor "dense_0\/kernel" is 6 values; the model needs 5/);
  });

  it('writes its run id into meta.json and its temp directory names', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(root, () => undefined, 3, 'run-a');
    const dir = save(store, 1);
    expect(store.read(dir).meta.runId).toBe('run-a');
    expect(store.runIdOf(dir)).toBe('run-a');
    expect(new CheckpointStore(root).runId).toMatch(/^[0-9a-z]+-[0-9a-f]{8}$/); // a fresh id by default
  });
});

describe('CheckpointStore pruning is scoped to its own run', () => {
  const names = (root: string): string[] => readdirSync(root).sort();

  it("never deletes another run's checkpoints: keep-N counts only this run's", () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const earlier = new CheckpointStore(root, () => undefined, 2, 'run-a');
    for (const e of [1, 2]) save(earlier, e);
    const notes: string[] = [];
    const rerun = new CheckpointStore(root, (m) => notes.push(m), 2, 'run-b');
    for (const e of [3, 4, 5]) save(rerun, e);
    expect(names(root)).toEqual(['ckpt-000001-000000000', 'ckpt-000002-000000000', 'ckpt-000004-000000000', 'ckpt-000005-000000000']);
    expect(rerun.runIdOf(join(root, 'ckpt-000002-000000000'))).toBe('run-a');
    expect(notes).toHaveLength(1); // said once, not at every write
    expect(notes[0]).toMatch(/holds 2 checkpoint\(s\) .* of other runs .*ckpt-000002-000000000.*run run-b prunes only its own/);
  });

  it('never deletes a checkpoint whose meta.json is missing, unreadable, or has no run id', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const noMeta = join(root, 'ckpt-000001-000000000');
    mkdirSync(noMeta);
    writeFileSync(join(noMeta, 'model.safetensors'), 'x');
    const badMeta = join(root, 'ckpt-000002-000000000');
    mkdirSync(badMeta);
    writeFileSync(join(badMeta, 'meta.json'), '{"epoch": 2, "runId": ');
    const legacy = save(new CheckpointStore(root, () => undefined, 1, 'legacy'), 3);
    const meta = JSON.parse(readFileSync(join(legacy, 'meta.json'), 'utf8')) as Record<string, unknown>;
    delete meta.runId; // written before run ids existed
    writeFileSync(join(legacy, 'meta.json'), JSON.stringify(meta));
    const store = new CheckpointStore(root, () => undefined, 1, 'run-b');
    for (const e of [4, 5, 6]) save(store, e);
    expect(names(root)).toEqual(['ckpt-000001-000000000', 'ckpt-000002-000000000', 'ckpt-000003-000000000', 'ckpt-000006-000000000']);
  });

  it("removes its own temp and trash leftovers, never another run's (one may be a live writer's half-written checkpoint)", () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const leftovers = [
      '.tmp-ckpt-000007-000000000-run-b-5', // this run's interrupted write
      '.trash-ckpt-000001-000000000-run-b-6', // this run's interrupted delete
      '.tmp-ckpt-000007-000000000-run-a-5', // another run, perhaps still writing
      '.trash-ckpt-000001-000000000-run-a-6',
      '.tmp-ckpt-000003-000000000-4242-17', // a writer from before run ids
    ];
    for (const n of leftovers) mkdirSync(join(root, n));
    save(new CheckpointStore(root, () => undefined, 3, 'run-b'), 1);
    expect(names(root)).toEqual([
      '.tmp-ckpt-000003-000000000-4242-17',
      '.tmp-ckpt-000007-000000000-run-a-5',
      '.trash-ckpt-000001-000000000-run-a-6',
      'ckpt-000001-000000000',
    ]);
  });

  it("sets aside (never deletes) another run's checkpoint under the name it must write", () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    save(new CheckpointStore(root, () => undefined, 3, 'run-a'), 2);
    const warnings: string[] = [];
    const store = new CheckpointStore(root, (m) => warnings.push(m), 3, 'run-b');
    const dir = save(store, 2);
    expect(store.runIdOf(dir)).toBe('run-b');
    const aside = names(root).filter((n) => n.startsWith('.superseded-ckpt-000002-000000000-by-run-b-'));
    expect(aside).toHaveLength(1);
    expect(store.runIdOf(join(root, aside[0]!))).toBe('run-a');
    expect(warnings.join('\n')).toMatch(/ckpt-000002-000000000 belongs to another run .* renamed it to .*\.superseded-/);
  });

  it('replaces its own checkpoint of the same name', () => {
    const root = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(root, () => undefined, 3, 'run-a');
    save(store, 2);
    save(store, 2);
    expect(names(root)).toEqual(['ckpt-000002-000000000']);
  });
});
