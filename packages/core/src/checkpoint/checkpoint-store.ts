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
 *      mid-delete never leaves a half-removed `ckpt-*` behind;
 *   6. every store writes as one run (`runId`, in each meta.json and in its temp and trash
 *      names), and pruning deletes only that run's files (prune-plan.ts): never another
 *      run's checkpoints or leftovers, never a checkpoint whose meta it cannot read. When
 *      a name to write is taken by another run's (or an unreadable) checkpoint, that one
 *      is renamed aside to `.superseded-ckpt-*`, never deleted.
 * Readers (list, read, latest) need no run id.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { OptimizerState } from '../contracts/optimizer-state';
import type { WeightLayout } from '../contracts/weight-layout';
import { CheckpointError } from '../errors/checkpoint-error';
import { newCheckpointRunId } from './lock-holder';
import type { ModelIdentity } from './model-identity';
import { CHECKPOINT_DIR_PATTERN, planPrune, TRASH_PREFIX } from './prune-plan';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';

export const CHECKPOINT_FORMAT_VERSION = 1;
/** Another run's checkpoint whose name this run had to write is renamed to this prefix (see #clearName). */
const SUPERSEDED_PREFIX = '.superseded-';

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
  /** The run that wrote it (absent in checkpoints written before run ids): only that run prunes it. */
  readonly runId?: string;
  /** The model that wrote it (absent in checkpoints written before identities; see model-identity.ts). */
  readonly model?: ModelIdentity;
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

/** Writes and reads the checkpoints of one directory; writes and prunes as one run. */
export class CheckpointStore {
  #warnedKept = false;

  constructor(
    readonly root: string,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
    /** How many of this run's complete checkpoints to keep (its older ones are removed). */
    private readonly keep = 3,
    /** The run this store writes as (BackupAndRestore passes its lock holder's); fresh by default. */
    readonly runId: string = newCheckpointRunId(),
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
    model?: ModelIdentity;
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
      runId: this.runId,
      ...(args.model ? { model: args.model } : {}),
      ...(args.extra ? { extra: args.extra } : {}),
    };
    const name = `ckpt-${String(args.epoch).padStart(6, '0')}-${String(args.step).padStart(9, '0')}`;
    const tmp = join(this.root, `.tmp-${name}-${this.runId}-${Date.now()}`);
    const final = join(this.root, name);
    try {
      mkdirSync(tmp);
      writeFileSynced(join(tmp, 'model.safetensors'), file);
      writeFileSynced(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
      fsyncDir(tmp);
      this.#clearName(final);
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
      .filter((n) => CHECKPOINT_DIR_PATTERN.test(n))
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
   * Whether `dir`'s weight tensors are exactly `layout`'s (names and sizes): true, false,
   * or undefined when the checkpoint cannot be read. For checkpoints that record no model.
   */
  fitsLayout(dir: string, layout: WeightLayout): boolean | undefined {
    let tensors: Map<string, NamedTensor>;
    try {
      tensors = decodeSafetensors(readFileSync(join(dir, 'model.safetensors')), join(dir, 'model.safetensors')).tensors;
    } catch {
      return undefined;
    }
    const weights = [...tensors.keys()].filter((n) => n.startsWith('weights/'));
    return weights.length === layout.entries.length && layout.entries.every((e) => tensors.get(`weights/${e.name}`)?.data.length === e.size);
  }

  /** The run id in `dir`'s meta.json; undefined when it has none or cannot be read. */
  runIdOf(dir: string): string | undefined {
    try {
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { runId?: unknown };
      return typeof meta.runId === 'string' ? meta.runId : undefined;
    } catch {
      return undefined;
    }
  }

  /** Frees `final` for this run's write: its own old copy is discarded, anything else set aside. */
  #clearName(final: string): void {
    if (!existsSync(final)) return;
    if (this.runIdOf(final) === this.runId) return this.#discard(final);
    const aside = join(this.root, `${SUPERSEDED_PREFIX}${basename(final)}-by-${this.runId}-${Date.now()}`);
    renameSync(final, aside);
    this.warn(`warning: ${final} belongs to another run (or has no readable meta.json); renamed it to ${aside} to write this run's checkpoint`);
  }

  /**
   * Removes one of this run's checkpoint directories without ever leaving a half-deleted
   * `ckpt-*` behind: it is first renamed (atomic) out of the `ckpt-*` namespace, then
   * deleted. A kill during the delete leaves only a `.trash-*` directory of this run.
   */
  #discard(dir: string): void {
    const trash = join(this.root, `${TRASH_PREFIX}${basename(dir).slice('ckpt-'.length)}-${this.runId}-${Date.now()}`);
    try {
      renameSync(dir, trash);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    rmSync(trash, { recursive: true, force: true });
  }

  /** Deletes what prune-plan.ts says this run owns and no longer needs; says once what it keeps of others. */
  #prune(): void {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return; // root vanished: nothing to prune
    }
    const plan = planPrune(names, this.runId, this.keep, (n) => this.runIdOf(join(this.root, n)));
    for (const n of plan.discard) this.#discard(join(this.root, n));
    for (const n of plan.removeLeftovers) rmSync(join(this.root, n), { recursive: true, force: true });
    if (this.#warnedKept || (plan.othersCheckpoints.length === 0 && plan.othersLeftovers.length === 0)) return;
    this.#warnedKept = true;
    const kept = [...plan.othersCheckpoints, ...plan.othersLeftovers];
    this.warn(
      `note: ${this.root} holds ${plan.othersCheckpoints.length} checkpoint(s) and ${plan.othersLeftovers.length} leftover temp/trash dir(s) ` +
        `of other runs or without a readable meta.json (${kept.slice(0, 4).join(', ')}${kept.length > 4 ? ', ...' : ''}); ` +
        `run ${this.runId} prunes only its own, so delete those by hand once no run writes here and you no longer need them`,
    );
  }
}
