/**
 * The Keras-shaped training loop every strategy shares.
 *   1. callbacks.onTrainBegin (BackupAndRestore may move the start epoch);
 *   2. per epoch: pull steps from the distributed dataset in groups of
 *      stepsPerExecution, staging group g+1 while the replicas run group g (prefetch);
 *   3. per group: onBatchEnd (once per group, as Keras does with steps_per_execution);
 *   4. per epoch: exact metrics (sums of counts, never means of means; the spec's other
 *      metrics as their summed vectors, model/metric-layout.ts), validation,
 *      throughput and the all-reduce share of step time, then onEpochEnd;
 *   5. stops early at a step boundary when a callback sets ctx.stopTraining.
 */
import type { Callback } from '../contracts/callback';
import type { EpochLogs } from '../contracts/epoch-logs';
import type { FitContext } from '../contracts/fit-context';
import type { EvaluateResult, History } from '../contracts/fit-options';
import type { StepResult, TrainEngine } from '../contracts/train-engine';
import type { DistributedDataset } from '../contracts/distributed-dataset';
import { InvalidConfigError } from '../errors/invalid-config-error';
import type { StepProfiler } from '../contracts/step-profiler';
import { wallClockMs } from '../contracts/step-profiler';
import { runHooks, timed } from '../internal/profile/timed-hooks';
import { addSums, metricLogs, validationKey, type MetricLayout } from '../model/metric-layout';

export interface FitLoopOptions {
  readonly epochs: number;
  readonly initialEpoch?: number;
  readonly seed: number;
  readonly globalBatchSize: number;
  readonly callbacks?: readonly Callback[];
  readonly validation?: DistributedDataset;
  readonly profiler?: StepProfiler;
  /** The spec's metrics beyond accuracy (metricLayout(spec.metrics)); none when absent. */
  readonly metrics?: MetricLayout;
}

/** The non-accuracy metrics of summed sums (accuracy is always logged from `correct`). */
function extraLogs(layout: MetricLayout | undefined, count: number, sums: ArrayLike<number> | undefined): Record<string, number> {
  if (!layout || layout.size === 0) return {};
  const { accuracy: _accuracy, ...rest } = metricLogs(layout, count, 0, sums);
  return rest;
}

export async function runFitLoop(engine: TrainEngine, train: DistributedDataset, options: FitLoopOptions): Promise<History> {
  const callbacks = options.callbacks ?? [];
  const profiler = options.profiler;
  /** The step about to run, counted over the whole fit (epochs included): what the profiler is told. */
  const globalStep = (): number => ctx.epoch * train.stepsPerEpoch + ctx.stepInEpoch;
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new InvalidConfigError('epochs', options.epochs, 'an integer >= 1');
  }
  const ctx: FitContext = {
    engine,
    seed: options.seed,
    globalBatchSize: options.globalBatchSize,
    stepsPerEpoch: train.stepsPerEpoch,
    epoch: options.initialEpoch ?? 0,
    stepInEpoch: 0,
    stopTraining: false,
    preemptRequested: false,
    preempted: false,
  };
  let start = options.initialEpoch ?? 0;
  let startStep = 0;
  for (const cb of callbacks) {
    const r = await cb.onTrainBegin?.(ctx, { epochs: options.epochs, stepsPerEpoch: train.stepsPerEpoch, initialEpoch: start });
    const point = typeof r === 'number' ? { epoch: r, step: 0 } : r;
    if (point && (point.epoch > start || (point.epoch === start && point.step > startStep))) {
      start = point.epoch;
      startStep = point.step;
    }
  }
  if (startStep >= train.stepsPerEpoch) {
    start += 1;
    startStep = 0;
  }
  const epochs: number[] = [];
  const history: EpochLogs[] = [];
  for (let epoch = start; epoch < options.epochs && !ctx.stopTraining; epoch++) {
    ctx.epoch = epoch;
    const firstStep = epoch === start ? startStep : 0;
    ctx.stepInEpoch = firstStep;
    await runHooks(callbacks, (cb) => cb.onEpochBegin?.(epoch), profiler, globalStep());
    const t0 = performance.now();
    const acc = { loss: 0, count: 0, correct: 0, stepMs: 0, allReduceMs: 0 };
    let sums: Float64Array | undefined; // the epoch's metric sums (none for accuracy only)
    const it = train.epoch(epoch, firstStep)[Symbol.iterator]();
    const stageGroup = (): number => {
      let n = 0;
      while (n < engine.maxStagedSteps) {
        const next = it.next();
        if (next.done) break;
        engine.stageStep(next.value);
        n++;
      }
      return n;
    };
    let staged = stageGroup();
    while (staged > 0) {
      const groupStart = globalStep();
      const running = engine.runStaged(profiler ? { preempt: ctx.preemptRequested, profiler, firstStep: groupStart } : { preempt: ctx.preemptRequested });
      const ahead = ctx.stopTraining ? 0 : stageGroup(); // prefetch the next group while this one runs
      const results: StepResult[] = await running;
      profiler?.groupEnd?.(groupStart, groupStart + results.length - 1, wallClockMs());
      for (const r of results) {
        acc.loss += r.lossSum;
        acc.count += r.count;
        acc.correct += r.correct;
        acc.stepMs += r.stepMs;
        acc.allReduceMs += r.allReduceMs;
        if (r.sums) sums = addSums(sums, r.sums, (n) => new Float64Array(n));
      }
      ctx.stepInEpoch += results.length;
      if (results.some((r) => r.stopRequested)) {
        ctx.preempted = true;
        ctx.stopTraining = true;
      }
      const last = results[results.length - 1]!;
      const batchLogs = {
        step: ctx.stepInEpoch - 1,
        steps: train.stepsPerEpoch,
        loss: last.count > 0 ? last.lossSum / last.count : 0,
        accuracy: last.count > 0 ? last.correct / last.count : 0,
        examples: results.reduce((a, r) => a + r.count, 0),
        phases: last.phases,
      };
      await runHooks(callbacks, (cb) => cb.onBatchEnd?.(epoch, batchLogs), profiler, globalStep());
      if (ctx.stopTraining) break;
      staged = ahead;
    }
    const seconds = (performance.now() - t0) / 1000;
    let logs: EpochLogs = {
      loss: acc.count ? acc.loss / acc.count : 0,
      accuracy: acc.count ? acc.correct / acc.count : 0,
      ...extraLogs(options.metrics, acc.count, sums),
      examplesPerSec: seconds > 0 ? acc.count / seconds : 0,
      allReduceShare: acc.stepMs > 0 ? acc.allReduceMs / acc.stepMs : 0,
    };
    if (options.validation && !ctx.stopTraining) {
      const v = await timed('validation', profiler, globalStep(), () => evaluateDataset(engine, options.validation!, options.metrics));
      logs = { ...logs, valLoss: v.loss, valAccuracy: v.accuracy };
      for (const s of options.metrics?.slots ?? []) logs = { ...logs, [validationKey(s.key)]: v[s.key] };
    }
    if (ctx.stopTraining && ctx.stepInEpoch < train.stepsPerEpoch) break; // partial epoch: no epoch-end logs
    epochs.push(epoch);
    history.push(logs);
    await runHooks(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs), profiler, globalStep());
  }
  for (const cb of callbacks) await cb.onTrainEnd?.();
  return { epochs, history };
}

/** Exact loss, accuracy and the layout's other metrics over every example of a (non-shuffled) distributed dataset. */
export async function evaluateDataset(engine: TrainEngine, data: DistributedDataset, metrics?: MetricLayout): Promise<EvaluateResult> {
  let loss = 0;
  let count = 0;
  let correct = 0;
  let sums: Float64Array | undefined;
  for (const step of data.epoch(0)) {
    const m = await engine.evaluate(step);
    loss += m.lossSum;
    count += m.count;
    correct += m.correct;
    if (m.sums) sums = addSums(sums, m.sums, (n) => new Float64Array(n));
  }
  return { loss: count ? loss / count : 0, accuracy: count ? correct / count : 0, count, ...extraLogs(metrics, count, sums) };
}
