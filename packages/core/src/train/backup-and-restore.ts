/**
 * Keras's BackupAndRestore: at the end of every (virtual) epoch the writer (the chief)
 * saves weights, optimizer state and where the data stream stands; when training
 * starts again with the same directory, every worker restores the newest complete
 * checkpoint and fit resumes at the epoch after it. Because the data order is a pure
 * function of (seed, epoch), a resumed run sees exactly the batches an uninterrupted
 * run would have.
 *
 * Preemption (TF's PreemptionCheckpointHandler): when the workers agree to stop
 * (ctx.preempted, after a SIGTERM on any of them), the writer saves a mid-epoch
 * checkpoint at that step boundary, and a rerun resumes at exactly that step.
 *
 * One writer per directory: the writer holds a CheckpointDirLock on `dir` from
 * onTrainBegin (or acquireLock(), called before loading data) to onTrainEnd (or
 * release()), so a second writer, such as an orphaned chief's rerun, is refused with
 * CheckpointDirLockedError before it trains. By default that is hostLocalCheckpointLock
 * on Linux (kernel-released; this host only); pass a filesystem lock (the `syncline`
 * app's flock) for a directory shared between hosts. Each run writes and prunes under
 * its own run id (the lock holder's): a resumed run starts from an earlier run's
 * checkpoint but never deletes it (see checkpoint/prune-plan.ts).
 *
 * One model per directory: every checkpoint records its model's identity (layout, and
 * spec when `model.spec` is given); a directory holding another model's checkpoints is
 * refused with CheckpointError before anything is restored or written
 * (checkpoint/model-identity.ts).
 */
import { resolve } from 'node:path';
import type { BatchLogs, Callback, ResumePoint } from '../contracts/callback';
import type { FitContext } from '../contracts/fit-context';
import type { CheckpointDirLock, HeldCheckpointLock } from '../checkpoint/checkpoint-dir-lock';
import { CheckpointStore } from '../checkpoint/checkpoint-store';
import { defaultCheckpointLock } from '../checkpoint/host-local-lock';
import { checkpointLockHolder, newCheckpointRunId } from '../checkpoint/lock-holder';
import { modelIdentity, refuseOtherModel, type ModelIdentity } from '../checkpoint/model-identity';
import { CheckpointError } from '../errors/checkpoint-error';
import { InvalidConfigError } from '../errors/invalid-config-error';

export interface BackupAndRestoreOptions {
  readonly dir: string;
  /** Only the chief writes; every worker restores. Default true. */
  readonly writer?: boolean;
  /** Complete checkpoints to keep. Default 3. */
  readonly keep?: number;
  readonly log?: (msg: string) => void;
  /**
   * How the writer takes `dir` for the run. Default: defaultCheckpointLock(), which is
   * hostLocalCheckpointLock on Linux and none elsewhere (a warning says so). `false`
   * turns locking off: only when something else guarantees a single writer. Non-writers
   * never lock.
   */
  readonly lock?: CheckpointDirLock | false;
  /**
   * A lock on `dir` the caller already holds (taken before loading any data, as
   * `syncline train` does): used instead of `lock`, its holder's runId becomes this run's
   * id, and it is released with release() / at train end.
   */
  readonly heldLock?: HeldCheckpointLock;
  /**
   * The model trained: its name (for messages) and spec (fingerprinted). Without it the
   * model is known by its weight layout only, named "unnamed".
   */
  readonly model?: { readonly name: string; readonly spec?: unknown };
}

export class BackupAndRestore implements Callback {
  readonly profilePhase = 'checkpoint';
  readonly store: CheckpointStore;
  /** The id this run writes into each checkpoint's meta; it prunes only checkpoints with this id. */
  readonly runId: string;
  #ctx: FitContext | undefined;
  #model: ModelIdentity | undefined;
  #held: HeldCheckpointLock | undefined;
  #warnedUnlocked = false;

  constructor(private readonly options: BackupAndRestoreOptions) {
    const log = options.log ?? ((m: string) => console.warn(m));
    const held = options.heldLock;
    if (held && resolve(held.dir) !== resolve(options.dir)) {
      throw new InvalidConfigError('heldLock.dir', held.dir, `the checkpoint directory ${options.dir} (a lock on another directory protects nothing here)`);
    }
    this.runId = held?.holder.runId ?? newCheckpointRunId();
    this.#held = held;
    this.store = new CheckpointStore(options.dir, log, options.keep ?? 3, this.runId);
  }

  /**
   * Takes the directory for this run (a writer only; idempotent) and returns the held
   * lock, or undefined for a non-writer or without a lock. Throws
   * CheckpointDirLockedError naming the holder when another run writes here. Call it
   * before loading data to fail early; onTrainBegin calls it otherwise.
   */
  async acquireLock(): Promise<HeldCheckpointLock | undefined> {
    if (this.options.writer === false || this.#held) return this.#held;
    const lock = this.options.lock ?? defaultCheckpointLock();
    if (lock === false) return undefined;
    if (!lock) {
      if (!this.#warnedUnlocked)
        (this.options.log ?? console.warn)(
          `warning: ${this.options.dir} is not locked (no default lock on ${process.platform}); pass BackupAndRestore's lock option so that only one run writes there`,
        );
      this.#warnedUnlocked = true;
      return undefined;
    }
    this.#held = await lock.acquire(this.options.dir, checkpointLockHolder(this.runId));
    return this.#held;
  }

  /** Releases the directory (idempotent); call it when fit throws in a process that goes on. */
  async release(): Promise<void> {
    const held = this.#held;
    this.#held = undefined;
    await held?.release();
  }

  /** Where the restored run resumed ({epoch, step}); {0, 0} for a fresh start. */
  resumedAt: ResumePoint = { epoch: 0, step: 0 };

  async onTrainBegin(ctx: FitContext): Promise<ResumePoint | void> {
    this.#ctx = ctx;
    await this.acquireLock();
    try {
      return await this.#restore(ctx);
    } catch (e) {
      await this.release();
      throw e;
    }
  }

  async #restore(ctx: FitContext): Promise<ResumePoint | void> {
    const layout = ctx.engine.layout;
    const m = this.options.model;
    const mine = (this.#model = modelIdentity(layout, m?.name ?? 'unnamed', m?.spec));
    refuseOtherModel(this.options.dir, this.store.list(), mine, (dir) => this.store.fitsLayout(dir, layout));
    const latest = this.store.latest(layout);
    if (!latest) return;
    if (latest.meta.seed !== ctx.seed || latest.meta.globalBatchSize !== ctx.globalBatchSize) {
      throw new CheckpointError(
        latest.dir,
        `was written with seed ${latest.meta.seed} and global batch ${latest.meta.globalBatchSize}, ` +
          `this run uses seed ${ctx.seed} and global batch ${ctx.globalBatchSize}; use the same flags or another --checkpoint-dir`,
      );
    }
    await ctx.engine.setWeights(latest.weights);
    await ctx.engine.importOptimizerState(latest.optimizer);
    this.resumedAt = { epoch: latest.meta.epoch, step: latest.meta.step };
    (this.options.log ?? console.warn)(`restored ${latest.dir} (epoch ${latest.meta.epoch}, step ${latest.meta.step}); resuming`);
    return this.resumedAt;
  }

  /** Mid-epoch checkpoint when the workers agreed to stop for preemption. */
  async onBatchEnd(epoch: number, logs: BatchLogs): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx?.preempted || logs.step + 1 >= logs.steps) return; // at an epoch end, onEpochEnd saves
    await this.#save(epoch, logs.step + 1);
    const what = this.options.writer === false ? 'stopped (the chief saves the checkpoint)' : 'checkpoint saved';
    (this.options.log ?? console.warn)(`preempted: ${what} at epoch ${epoch}, step ${logs.step + 1}`);
  }

  async onEpochEnd(epoch: number): Promise<void> {
    await this.#save(epoch + 1, 0);
  }

  async onTrainEnd(): Promise<void> {
    await this.release();
  }

  async #save(epoch: number, step: number): Promise<void> {
    if (this.options.writer === false || !this.#ctx) return;
    const ctx = this.#ctx;
    const [weights, optimizer] = [await ctx.engine.getWeights(), await ctx.engine.exportOptimizerState()];
    this.store.save({
      epoch,
      step,
      seed: ctx.seed,
      globalBatchSize: ctx.globalBatchSize,
      iterator: { epoch, step, seed: ctx.seed },
      layout: ctx.engine.layout,
      weights,
      optimizer,
      ...(this.#model ? { model: this.#model } : {}),
    });
  }
}
