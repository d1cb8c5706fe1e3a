/**
 * Which files of a checkpoint directory one run may delete. Ownership is proven only by
 * a run id: a checkpoint belongs to the run whose id its meta.json carries, a temp or
 * trash directory to the run whose id its name carries.
 *   1. complete checkpoints (`ckpt-*`) whose meta names this run, newest first: all but
 *      the newest `keep` are discarded;
 *   2. temp (`.tmp-ckpt-*`) and trash (`.trash-ckpt-*`) directories named with this run's
 *      id are this run's own leftovers (an interrupted write or delete): removed;
 *   3. everything else is never deleted: another run's checkpoints, a checkpoint whose
 *      meta.json is missing or unreadable, one written before run ids existed, and the
 *      leftovers of other runs (one may be a live writer's half-written checkpoint, as
 *      when an orphaned chief and its rerun shared a directory). The plan lists them so
 *      the store can say, once, that they are kept.
 * A run that resumed from an earlier run's checkpoint does not own it: the earlier run
 * may still be writing (without a lock, or where the lock does not reach), so it too is
 * kept; only this run's own checkpoints count against `keep`.
 */

/** Complete checkpoint directories: `ckpt-<epoch, 6 digits>-<step, 9 digits>`. */
export const CHECKPOINT_DIR_PATTERN = /^ckpt-(\d{6})-(\d{9})$/;
/** A checkpoint being written: `.tmp-<ckpt name>-<runId>-<ms>`. */
export const TMP_PREFIX = '.tmp-ckpt-';
/** A checkpoint being deleted (renamed out of `ckpt-*` first): `.trash-<ckpt name>-<runId>-<ms>`. */
export const TRASH_PREFIX = '.trash-ckpt-';

export interface PrunePlan {
  /** This run's checkpoints beyond the newest `keep`, oldest last. */
  readonly discard: readonly string[];
  /** This run's own temp and trash leftovers. */
  readonly removeLeftovers: readonly string[];
  /** Checkpoints kept because another run (or no readable meta) owns them. */
  readonly othersCheckpoints: readonly string[];
  /** Temp and trash directories of other runs (or of writers older than run ids), kept. */
  readonly othersLeftovers: readonly string[];
}

/** True for a temp or trash directory name. */
export function isLeftover(name: string): boolean {
  return name.startsWith(TMP_PREFIX) || name.startsWith(TRASH_PREFIX);
}

/** True when a temp or trash directory's name carries `runId`. */
export function leftoverOf(name: string, runId: string): boolean {
  return isLeftover(name) && name.includes(`-${runId}-`);
}

/**
 * The prune plan for the entries `names` of one directory. `runIdOf(name)` is the run id
 * in that checkpoint's meta.json, or undefined when it has none or cannot be read.
 */
export function planPrune(names: readonly string[], runId: string, keep: number, runIdOf: (name: string) => string | undefined): PrunePlan {
  const checkpoints = names
    .filter((n) => CHECKPOINT_DIR_PATTERN.test(n))
    .sort()
    .reverse();
  const own: string[] = [];
  const othersCheckpoints: string[] = [];
  for (const n of checkpoints) (runIdOf(n) === runId ? own : othersCheckpoints).push(n);
  const leftovers = names.filter(isLeftover).sort();
  return {
    discard: own.slice(Math.max(0, keep)),
    removeLeftovers: leftovers.filter((n) => leftoverOf(n, runId)),
    othersCheckpoints,
    othersLeftovers: leftovers.filter((n) => !leftoverOf(n, runId)),
  };
}
