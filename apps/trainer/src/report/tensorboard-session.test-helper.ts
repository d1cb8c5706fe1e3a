/**
 * Drives TensorBoardCallback through a run that is interrupted and resumed, as fit does:
 * 10 steps per epoch, a batch row every 3 steps; session 1 finishes epoch 0 and is killed
 * after step 5 of epoch 1; session 2 resumes from a checkpoint at step 4 of epoch 1 and
 * finishes it. The loss of the batch at global step g is 1/g.
 */
import type { FitContext, WeightLayout } from '@syncline/core';
import { TensorBoardCallback } from './tensorboard-callback';

export const STEPS_PER_EPOCH = 10;
export const LOG_EVERY = 3;
/** A learning rate that halves every 10 updates (a step schedule). */
export const LEARNING_RATE = (t: number): number => 0.001 * 0.5 ** Math.floor(t / 10);
export const LAYOUT: WeightLayout = {
  entries: [
    { name: 'dense_0/kernel', shape: [2, 3], offset: 0, size: 6, trainable: true },
    { name: 'dense_0/bias', shape: [3], offset: 6, size: 3, trainable: true },
  ],
  totalSize: 9,
};
export const WEIGHTS = Float32Array.from([-1, -0.5, 0, 0.5, 1, 1.5, 0, 0, 0.25]);

function context(epoch: number, stepInEpoch: number): FitContext {
  const engine: Partial<FitContext['engine']> = { layout: LAYOUT, getWeights: async () => WEIGHTS };
  const ctx: Partial<FitContext> = { engine: engine as FitContext['engine'], epoch, stepInEpoch, stepsPerEpoch: STEPS_PER_EPOCH };
  return ctx as FitContext;
}

async function session(dir: string, from: { epoch: number; step: number }, until: { epoch: number; step: number }, histograms: boolean): Promise<void> {
  const cb = new TensorBoardCallback(dir, { learningRate: LEARNING_RATE, logEvery: LOG_EVERY, histograms });
  const ctx = context(from.epoch, from.step);
  cb.onTrainBegin(ctx, { stepsPerEpoch: STEPS_PER_EPOCH });
  for (let epoch = from.epoch; epoch <= until.epoch; epoch++) {
    const first = epoch === from.epoch ? from.step : 0;
    ctx.stepInEpoch = first;
    cb.onEpochBegin(epoch);
    const last = epoch === until.epoch ? until.step : STEPS_PER_EPOCH - 1;
    for (let step = first; step <= last; step++) {
      const g = epoch * STEPS_PER_EPOCH + step + 1;
      cb.onBatchEnd(epoch, { step, steps: STEPS_PER_EPOCH, loss: 1 / g, accuracy: 0.5, examples: 32 });
    }
    if (last === STEPS_PER_EPOCH - 1) {
      await cb.onEpochEnd(epoch, {
        loss: 1 / (epoch + 2),
        accuracy: 0.6 + 0.1 * epoch,
        valLoss: 1.1 / (epoch + 2),
        valAccuracy: 0.55 + 0.1 * epoch,
        examplesPerSec: 1000,
        allReduceShare: 0.25,
      });
    }
  }
}

/** Both sessions into `dir` (the tensorboard/ folder of a --log-dir). */
export async function interruptedAndResumed(dir: string, histograms = true): Promise<void> {
  await session(dir, { epoch: 0, step: 0 }, { epoch: 1, step: 5 }, histograms); // killed after step 5 of epoch 1
  await session(dir, { epoch: 1, step: 4 }, { epoch: 1, step: 9 }, histograms); // resumed from the checkpoint after its 4th step
}
