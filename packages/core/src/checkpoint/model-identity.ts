/**
 * Which model a checkpoint belongs to. Every checkpoint's meta.json records the model's
 * name, a fingerprint of its spec (when the caller knows it) and of its weight layout
 * (tensor names and shapes, which is what a backend's weights map onto). A directory
 * holding checkpoints of another model is refused before anything is restored or written,
 * so a reused --checkpoint-dir never trains from scratch over, or prunes, another model's
 * checkpoints.
 *   1. A checkpoint with a recorded identity is compared by spec fingerprint when both
 *      sides have one, else by layout fingerprint.
 *   2. One written before identities were recorded is compared by its tensors: names and
 *      sizes that do not fit this model's layout mean another model.
 *   3. Unreadable checkpoints are not judged here (latest() skips them with a warning, and
 *      pruning never deletes them).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WeightLayout } from '../contracts/weight-layout';
import { CheckpointError } from '../errors/checkpoint-error';

export interface ModelIdentity {
  /** The model's name (spec name, preset or file). */
  readonly name: string;
  /** sha256 of the model spec's canonical JSON, when known. */
  readonly specSha256?: string;
  /** sha256 of the weight layout: every tensor's name and shape, in order. */
  readonly layoutSha256: string;
  /** Tensors and weights, for messages. */
  readonly tensors: number;
  readonly weights: number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The identity of a model with this layout (and, when given, spec). */
export function modelIdentity(layout: WeightLayout, name: string, spec?: unknown): ModelIdentity {
  return {
    name,
    ...(spec === undefined ? {} : { specSha256: sha256(JSON.stringify(spec)) }),
    layoutSha256: sha256(layout.entries.map((e) => `${e.name}[${e.shape.join('x')}]`).join(',')),
    tensors: layout.entries.length,
    weights: layout.totalSize,
  };
}

/** True when both identities describe the same model (spec when both know it, else layout). */
export function sameModel(a: ModelIdentity, b: ModelIdentity): boolean {
  if (a.specSha256 && b.specSha256) return a.specSha256 === b.specSha256;
  return a.layoutSha256 === b.layoutSha256;
}

export function describeModel(m: ModelIdentity): string {
  const spec = m.specSha256 ? `spec ${m.specSha256.slice(0, 12)}, ` : '';
  return `"${m.name}" (${spec}${m.tensors} tensors, ${m.weights.toLocaleString('en-US')} weights)`;
}

function readMeta(dir: string): { model?: ModelIdentity } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { model?: ModelIdentity };
  } catch {
    return undefined;
  }
}

/**
 * Throws CheckpointError naming both models and the way out when any checkpoint in `dirs`
 * belongs to another model than `mine`. `legacyFits(dir)` says whether a checkpoint that
 * records no identity fits this model's layout (true, false, or undefined when unreadable).
 */
export function refuseOtherModel(root: string, dirs: readonly string[], mine: ModelIdentity, legacyFits: (dir: string) => boolean | undefined): void {
  for (const dir of dirs) {
    const meta = readMeta(dir);
    if (!meta) continue;
    const theirs = meta.model;
    const other = theirs ? !sameModel(theirs, mine) : legacyFits(dir) === false;
    if (!other) continue;
    const them = theirs ? `model ${describeModel(theirs)}` : 'another model (its tensors do not fit this model)';
    throw new CheckpointError(
      dir,
      `was written by ${them}; this run trains model ${describeModel(mine)}. A checkpoint directory holds one model's checkpoints: ` +
        `pass another --checkpoint-dir (checkpointDir) for this model, or move the old checkpoints out of ${root} if you no longer need them. Nothing was deleted`,
    );
  }
}
