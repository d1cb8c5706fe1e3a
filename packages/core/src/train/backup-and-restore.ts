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
 */
import type { BatchLogs, Callback, ResumePoint } from '../contracts/callback';
import type { FitContext } from '../contracts/fit-context';
import { CheckpointStore } from '../checkpoint/checkpoint-store';
import { CheckpointError } from '../errors/checkpoint-error';

export interface BackupAndRestoreOptions {
  readonly dir: string;
  /** Only the chief writes; every worker restores. Default true. */
  readonly writer?: boolean;
  /** Complete checkpoints to keep. Default 3. */
  readonly keep?: number;
  readonly log?: (msg: string) => void;
}

export class BackupAndRestore implements Callback {
  readonly store: CheckpointStore;
  #ctx: FitContext | undefined;

  constructor(private readonly options: BackupAndRestoreOptions) {
    const log = options.log ?? ((m: string) => console.warn(m));
    this.store = new CheckpointStore(options.dir, log, options.keep ?? 3);
  }

  /** Where the restored run resumed ({epoch, step}); {0, 0} for a fresh start. */
  resumedAt: ResumePoint = { epoch: 0, step: 0 };

  async onTrainBegin(ctx: FitContext): Promise<ResumePoint | void> {
    this.#ctx = ctx;
    const latest = this.store.latest(ctx.engine.layout);
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
    });
  }
}
