/**
 * Checkpoints on disk, written so that a kill at any moment never leaves a corrupt
 * newest checkpoint:
 *   1. write model.safetensors (weights + optimizer slots) and meta.json (epoch, step,
 *      seeds, data iterator state, sha256 of the tensor file) into a fresh temp dir;
 *   2. fsync both files and the temp dir;
 *   3. rename the temp dir to `ckpt-<epoch>-<step>` (atomic on POSIX), fsync the parent;
 *   4. readers take the newest directory whose meta.json parses and whose checksum
 *      matches; anything else is skipped with a warning naming the directory and why;
 *   5. old checkpoints are renamed to `.trash-ckpt-*` before they are deleted, so a kill
 *      mid-delete never leaves a half-removed `ckpt-*` behind.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { OptimizerState } from '../contracts/optimizer-state';
import type { WeightLayout } from '../contracts/weight-layout';
import { CheckpointError } from '../errors/checkpoint-error';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';

export const CHECKPOINT_FORMAT_VERSION = 1;
const DIR_PATTERN = /^ckpt-(\d{6})-(\d{9})$/;
/** Checkpoints being deleted are renamed to this prefix first (see #discard). */
const TRASH_PREFIX = '.trash-ckpt-';

export interface CheckpointMeta {
  readonly formatVersion: number;
  /** Epochs completed (the epoch to resume at). */
  readonly epoch: number;
  /** Steps completed inside `epoch` (0 at an epoch boundary). */
  readonly step: number;
  readonly seed: number;
  readonly globalBatchSize: number;
  /** Data iterator state at this point (JSON). */
  readonly iterator: unknown;
  readonly optimizer: { readonly name: string; readonly step: number; readonly slots: readonly string[] };
  readonly sha256: string;
  readonly writtenAt: string;
  readonly extra?: Record<string, unknown>;
}

export interface Checkpoint {
  readonly dir: string;
  readonly meta: CheckpointMeta;
  readonly weights: Float32Array;
  readonly optimizer: OptimizerState;
}

function writeFileSynced(path: string, data: Buffer | string): void {
  const fd = openSync(path, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class CheckpointStore {
  constructor(
    readonly root: string,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
    /** How many complete checkpoints to keep (older ones are removed). */
    private readonly keep = 3,
  ) {}

  save(args: {
    epoch: number;
    step: number;
    seed: number;
    globalBatchSize: number;
    iterator: unknown;
    layout: WeightLayout;
    weights: Float32Array;
    optimizer: OptimizerState;
    extra?: Record<string, unknown>;
  }): string {
    mkdirSync(this.root, { recursive: true });
    const tensors: NamedTensor[] = args.layout.entries.map((e) => ({
      name: `weights/${e.name}`,
      shape: e.shape,
      data: args.weights.subarray(e.offset, e.offset + e.size),
    }));
    const slotNames = Object.keys(args.optimizer.slots).sort();
    for (const s of slotNames) {
      const d = args.optimizer.slots[s]!;
      tensors.push({ name: `optimizer/${s}`, shape: [d.length], data: d });
    }
    const file = encodeSafetensors(tensors, { format: 'syncline', epoch: String(args.epoch), step: String(args.step) });
    const meta: CheckpointMeta = {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      epoch: args.epoch,
      step: args.step,
      seed: args.seed,
      globalBatchSize: args.globalBatchSize,
      iterator: args.iterator,
      optimizer: { name: args.optimizer.name, step: args.optimizer.step, slots: slotNames },
      sha256: createHash('sha256').update(file).digest('hex'),
      writtenAt: new Date().toISOString(),
      ...(args.extra ? { extra: args.extra } : {}),
    };
    const name = `ckpt-${String(args.epoch).padStart(6, '0')}-${String(args.step).padStart(9, '0')}`;
    const tmp = join(this.root, `.tmp-${name}-${process.pid}-${Date.now()}`);
    const final = join(this.root, name);
    try {
      mkdirSync(tmp);
      writeFileSynced(join(tmp, 'model.safetensors'), file);
      writeFileSynced(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
      fsyncDir(tmp);
      this.#discard(final);
      renameSync(tmp, final);
      fsyncDir(this.root);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new CheckpointError(final, `could not be written: ${(e as Error).message}`, { cause: e });
    }
    this.#prune();
    return final;
  }

  /** Complete-looking checkpoint directories, newest first (not yet verified). */
  list(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return [];
    }
    return names
      .filter((n) => DIR_PATTERN.test(n))
      .sort()
      .reverse()
      .map((n) => join(this.root, n));
  }

  /** Reads and verifies one checkpoint; throws CheckpointError saying what is wrong. */
  read(dir: string, layout?: WeightLayout): Checkpoint {
    let meta: CheckpointMeta;
    let file: Buffer;
    try {
      meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as CheckpointMeta;
      file = readFileSync(join(dir, 'model.safetensors'));
    } catch (e) {
      throw new CheckpointError(dir, `unreadable (${(e as Error).message})`, { cause: e });
    }
    if (meta.formatVersion !== CHECKPOINT_FORMAT_VERSION)
      throw new CheckpointError(dir, `format version ${meta.formatVersion} is not ${CHECKPOINT_FORMAT_VERSION}`);
    const sum = createHash('sha256').update(file).digest('hex');
    if (sum !== meta.sha256) throw new CheckpointError(dir, `checksum mismatch (meta ${meta.sha256.slice(0, 12)}..., file ${sum.slice(0, 12)}...)`);
    const { tensors } = decodeSafetensors(file, join(dir, 'model.safetensors'));
    const weightTensors = [...tensors.values()].filter((t) => t.name.startsWith('weights/'));
    const total = weightTensors.reduce((a, t) => a + t.data.length, 0);
    const weights = new Float32Array(layout ? layout.totalSize : total);
    if (layout) {
      for (const e of layout.entries) {
        const t = tensors.get(`weights/${e.name}`);
        if (!t || t.data.length !== e.size) {
          throw new CheckpointError(
            dir,
            `tensor "${e.name}" is ${t ? `${t.data.length} values` : 'missing'}; the model needs ${e.size}. Was it written by another model?`,
          );
        }
        weights.set(t.data, e.offset);
      }
    } else {
      let o = 0;
      for (const t of weightTensors) {
        weights.set(t.data, o);
        o += t.data.length;
      }
    }
    const slots: Record<string, Float32Array> = {};
    for (const s of meta.optimizer.slots) {
      const t = tensors.get(`optimizer/${s}`);
      if (!t) throw new CheckpointError(dir, `optimizer slot "${s}" is missing`);
      slots[s] = t.data;
    }
    return { dir, meta, weights, optimizer: { name: meta.optimizer.name, step: meta.optimizer.step, slots } };
  }

  /** The newest checkpoint that verifies; corrupt or partial ones are skipped with a warning. */
  latest(layout?: WeightLayout): Checkpoint | undefined {
    for (const dir of this.list()) {
      try {
        return this.read(dir, layout);
      } catch (e) {
        this.warn(`warning: skipping checkpoint ${dir}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }

  /**
   * Removes a checkpoint directory without ever leaving a half-deleted `ckpt-*` behind:
   * it is first renamed (atomic) out of the `ckpt-*` namespace, then deleted. A kill
   * during the delete leaves only a `.trash-*` directory, which the next prune removes.
   */
  #discard(dir: string): void {
    const trash = join(this.root, `${TRASH_PREFIX}${basename(dir)}-${process.pid}-${Date.now()}`);
    try {
      renameSync(dir, trash);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    rmSync(trash, { recursive: true, force: true });
  }

  #prune(): void {
    for (const dir of this.list().slice(this.keep)) this.#discard(dir);
    try {
      for (const n of readdirSync(this.root)) {
        const stale = n.startsWith(TRASH_PREFIX) || (n.startsWith('.tmp-ckpt-') && !n.includes(`-${process.pid}-`));
        if (stale) rmSync(join(this.root, n), { recursive: true, force: true });
      }
    } catch {
      /* root vanished: nothing to prune */
    }
  }
}
