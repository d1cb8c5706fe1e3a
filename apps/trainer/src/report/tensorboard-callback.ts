/**
 * TensorBoard logs laid out as Keras's TensorBoard callback writes them (chief only):
 *   1. two runs, `<dir>/train` and `<dir>/validation`, so TensorBoard overlays the two
 *      curves of each tag; epoch scalars at step = epoch (0-based, as Keras):
 *      train: epoch_loss, epoch_accuracy, epoch_learning_rate, epoch_images_per_sec,
 *      epoch_allreduce_share; validation: epoch_loss, epoch_accuracy;
 *   2. every `logEvery` steps (0: never), batch scalars at step = steps trained so far:
 *      batch_loss and batch_accuracy (the epoch's running means, as Keras logs them),
 *      batch_learning_rate (of the last update), batch_images_per_sec since the previous
 *      batch row, and where the last step's time
 *      went on the first replica (step_time_ms/...), when the engine measures it;
 *   3. with `histograms`, a histogram of every weight tensor at each epoch end
 *      ("dense_0/kernel/histogram");
 *   4. a resumed run appends to the same event files and marks the step it resumed at,
 *      so TensorBoard drops what the interrupted session wrote past it.
 */
import { join } from 'node:path';
import { validationKey, type BatchLogs, type Callback, type EpochLogs, type FitContext } from '@syncline/core';
import { RunningMean } from './console-progress';
import { histogramOf, type Histogram } from './tensorboard-proto';
import { TensorBoardWriter } from './tensorboard-writer';
import { EXTRA_TRAIN_KEYS, kerasName } from './metric-columns';

export interface TensorBoardOptions {
  /** The learning rate of update `t` (0 for the first update, as Keras's optimizer.iterations). */
  readonly learningRate: (t: number) => number;
  /** Batch scalars every this many steps; 0 writes epoch scalars only. */
  readonly logEvery: number;
  /** Weight histograms at every epoch end. */
  readonly histograms: boolean;
}

export class TensorBoardCallback implements Callback {
  #train: TensorBoardWriter | undefined;
  #validation: TensorBoardWriter | undefined;
  #ctx: FitContext | undefined;
  #stepsPerEpoch = 0;
  #mean = new RunningMean();
  #last = { step: 0, t: 0, examples: 0 };

  constructor(
    readonly dir: string,
    readonly options: TensorBoardOptions,
  ) {}

  /** The event files, once training has begun. */
  get files(): { train?: string; validation?: string } {
    return { ...(this.#train ? { train: this.#train.file } : {}), ...(this.#validation ? { validation: this.#validation.file } : {}) };
  }

  onTrainBegin(ctx: FitContext, info: { stepsPerEpoch: number }): void {
    this.#ctx = ctx;
    this.#stepsPerEpoch = info.stepsPerEpoch;
  }

  onEpochBegin(epoch: number): void {
    const stepInEpoch = this.#ctx?.stepInEpoch ?? 0;
    const step = epoch * this.#stepsPerEpoch + stepInEpoch;
    // The session's first epoch knows where it starts (BackupAndRestore may resume mid-epoch).
    if (!this.#train) this.#open(epoch, step);
    this.#mean = new RunningMean();
    this.#last = { step, t: performance.now(), examples: 0 };
  }

  onBatchEnd(epoch: number, logs: BatchLogs): void {
    this.#mean.add(logs);
    const every = this.options.logEvery;
    const step = epoch * this.#stepsPerEpoch + logs.step + 1;
    if (!this.#train || every <= 0 || Math.floor(step / every) === Math.floor(this.#last.step / every)) return;
    const now = performance.now();
    const seconds = (now - this.#last.t) / 1000;
    const examples = this.#mean.examples - this.#last.examples;
    const p = logs.phases;
    this.#train.scalars(step, {
      batch_loss: this.#mean.loss,
      batch_accuracy: this.#mean.accuracy,
      batch_images_per_sec: seconds > 0 ? examples / seconds : undefined,
      batch_learning_rate: this.options.learningRate(step - 1),
      ...(p
        ? {
            'step_time_ms/data_wait': p.dataWaitMs,
            'step_time_ms/forward_backward': p.forwardBackwardMs,
            'step_time_ms/all_reduce': p.allReduceMs,
            'step_time_ms/peer_wait': p.peerWaitMs,
            'step_time_ms/optimizer': p.optimizerMs,
            'step_time_ms/other': p.otherMs,
          }
        : {}),
    });
    this.#last = { step, t: now, examples: this.#mean.examples };
  }

  #open(epoch: number, step: number): void {
    const resumed = step > 0;
    this.#train = new TensorBoardWriter(join(this.dir, 'train'), { append: resumed });
    this.#validation = new TensorBoardWriter(join(this.dir, 'validation'), { append: resumed });
    if (!resumed) return;
    // Batch rows at steps <= `step` came before the checkpoint we resumed from: kept.
    this.#train.restart(step + 1);
    this.#validation.restart(epoch);
  }

  async onEpochEnd(epoch: number, logs: EpochLogs): Promise<void> {
    this.#train?.scalars(epoch, {
      epoch_loss: logs.loss,
      epoch_accuracy: logs.accuracy,
      epoch_learning_rate: this.options.learningRate((epoch + 1) * this.#stepsPerEpoch - 1),
      epoch_images_per_sec: logs.examplesPerSec,
      epoch_allreduce_share: logs.allReduceShare,
      ...Object.fromEntries(EXTRA_TRAIN_KEYS.map((k) => [`epoch_${kerasName(k)}`, logs[k]])),
    });
    this.#validation?.scalars(epoch, {
      epoch_loss: logs.valLoss,
      epoch_accuracy: logs.valAccuracy,
      // the same tags as training, in the validation run (valMse -> epoch_mse), as Keras writes them
      ...Object.fromEntries(EXTRA_TRAIN_KEYS.map((k) => [`epoch_${kerasName(k)}`, logs[validationKey(k)]])),
    });
    if (this.options.histograms && this.#ctx && this.#train) this.#train.histograms(epoch, await weightHistograms(this.#ctx));
  }
}

/** One histogram per weight tensor of the first replica, tagged "<tensor>/histogram" as Keras does. */
export async function weightHistograms(ctx: Pick<FitContext, 'engine'>): Promise<Record<string, Histogram>> {
  const flat = await ctx.engine.getWeights();
  return Object.fromEntries(ctx.engine.layout.entries.map((e) => [`${e.name}/histogram`, histogramOf(flat.subarray(e.offset, e.offset + e.size))]));
}
