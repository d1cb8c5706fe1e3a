/**
 * Keras's BackupAndRestore: at the end of every (virtual) epoch the writer (the chief)
 * saves weights, optimizer state and where the data stream stands; when training
 * starts again with the same directory, every worker restores the newest complete
 * checkpoint and fit resumes at the epoch after it. Because the data order is a pure
 * function of (seed, epoch), a resumed run sees exactly the batches an uninterrupted
 * run would have.
 */
import type { Callback } from './callback';
import type { FitContext } from './fit-context';
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
  /** The epoch training resumed at, once onTrainBegin ran (0 for a fresh start). */
  resumedAtEpoch = 0;

  constructor(private readonly options: BackupAndRestoreOptions) {
    const log = options.log ?? ((m: string) => console.warn(m));
    this.store = new CheckpointStore(options.dir, log, options.keep ?? 3);
  }

  async onTrainBegin(ctx: FitContext): Promise<number | void> {
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
    this.resumedAtEpoch = latest.meta.epoch;
    (this.options.log ?? console.warn)(`restored ${latest.dir} (epoch ${latest.meta.epoch}); resuming`);
    return latest.meta.epoch;
  }

  async onEpochEnd(epoch: number): Promise<void> {
    if (this.options.writer === false || !this.#ctx) return;
    const ctx = this.#ctx;
    const [weights, optimizer] = [await ctx.engine.getWeights(), await ctx.engine.exportOptimizerState()];
    this.store.save({
      epoch: epoch + 1,
      step: 0,
      seed: ctx.seed,
      globalBatchSize: ctx.globalBatchSize,
      iterator: { epoch: epoch + 1, step: 0, seed: ctx.seed },
      layout: ctx.engine.layout,
      weights,
      optimizer,
    });
  }
}
