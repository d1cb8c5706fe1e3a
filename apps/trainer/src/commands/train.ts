/**
 * `syncline train`: trains a model on Fashion-MNIST with the chosen strategy and
 * backend, prints progress and per-epoch rows, writes reports and checkpoints, and
 * with --json ends with one JSON object line of results.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MirroredStrategy,
  BackupAndRestore,
  ReplicaAgreementCheck,
  DataError,
  encodeSafetensors,
  PreemptionWatcher,
  loadFashionMnist,
  parseModelSpec,
  presetModelSpec,
  MLP_PRESET,
  CNN_PRESET,
  type Callback,
  type DistributedModel,
  type FashionMnist,
  type HeldCheckpointLock,
  type LoadFashionMnistOptions,
  type Strategy,
  type ModelSpec,
  type GradientBufferKind,
  type WeightUpdateMode,
} from '@syncline/core';
import { backendRegistry } from './backend-choice';
import { checkModelFitsData, loadRunData, type RunData } from './data-load';
import { makeStrategy } from './make-strategy';
import { checkOutputPaths, writeFinalWeights } from './output-paths';
import { checkReplicaBounds } from './replica-bounds';
import { lockCheckpointDir } from '../checkpoint-lock/lock-checkpoint-dir';
import { ConsoleProgress } from '../report/console-progress';
import { extraMetrics, kerasName } from '../report/metric-columns';
import { RunReporter } from '../report/run-reporter';
import { buildRunInfo, describePlacement } from '../report/run-info';
import { TensorBoardCallback } from '../report/tensorboard-callback';
import type { TrainOptions } from './train-options';
import { applyModelFlags, type ModelFlags } from './model-options';
import { startRunProfile, type ProfileResult } from './train-profile';
import { modelFileOf, modelFileSpec, type ModelFile } from './model-file';
import { checkModelExports, writeModelExports } from './model-exports';

export interface TrainResult {
  readonly strategy: string;
  readonly backend: string;
  /** Mirrored strategies: 'sharded' (each replica applies 1/N of the update) or 'replicated'. */
  readonly weightUpdate?: WeightUpdateMode;
  /** Mirrored strategies: 'registered' when the gradients are all-reduced in place from registered buffers, else 'plain'. */
  readonly gradientBuffer?: GradientBufferKind;
  readonly replicas: number;
  readonly epochs: number;
  readonly globalBatch: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** The spec's other metrics on the test split by log key (topKAccuracy, mse, mae, auc); absent for accuracy only. */
  readonly testMetrics?: Readonly<Record<string, number>>;
  readonly trainImagesPerSec: number;
  readonly wallSeconds: number;
  /** This process's peak resident memory (replica threads included), MB. */
  readonly peakRssMb: number;
  readonly resumedFromEpoch: number;
  readonly resumedFromStep: number;
  /** True when a SIGTERM stopped training early (after a checkpoint). */
  readonly preempted: boolean;
  /** The signal that stopped this process (SIGINT exits 130, SIGTERM 143); absent when another worker's stopped it. */
  readonly stopSignal?: string;
  readonly rank: number;
  readonly worldSize: number;
  readonly history: readonly Record<string, number | undefined>[];
  /** sha256 of the final flat weights (bitwise comparisons across runs). */
  readonly weightsSha256: string;
  /** --profile: the trace files written; with several replicas: the straggler report's summary. */
  readonly profile?: ProfileResult['profile'];
  readonly straggler?: ProfileResult['straggler'];
}

/** Whether the spec's metrics include accuracy (a regression's need not: then the console shows losses only). */
function reportsAccuracy(spec: ModelSpec): boolean {
  return spec.metrics.some((m) => (typeof m === 'string' ? m : m.name) === 'accuracy');
}

function sha256(w: Float32Array): string {
  return createHash('sha256')
    .update(Buffer.from(w.buffer, w.byteOffset, w.byteLength))
    .digest('hex');
}

/** What a replica is, for the banner and the report: "threads", "processes" or "PJRT devices". */
function replicaKindOf(o: TrainOptions): string {
  return o.strategy === 'tpu' ? 'PJRT devices' : `${o.isolation}s`;
}

/** Evaluation batch: at least 256 and a multiple of the replica count. */
function evalBatch(globalBatch: number, replicas: number): number {
  const b = Math.max(globalBatch, 256);
  return b - (b % replicas);
}

/** A preset or a spec file, completed by --loss / --metrics where it sets neither (model-options.ts). */
export function loadModelSpec(model: string, flags: ModelFlags = {}): ModelSpec {
  if (model === 'mlp' || model === 'cnn') {
    if (flags.loss === undefined && flags.metrics === undefined) return presetModelSpec(model);
    const preset = structuredClone(model === 'mlp' ? MLP_PRESET : CNN_PRESET) as unknown as Record<string, unknown>;
    return parseModelSpec(applyModelFlags(preset, flags, `preset "${model}"`, true), `preset "${model}"`);
  }
  if (!existsSync(model)) throw new DataError(`--model ${model}: not "mlp", "cnn" or an existing spec JSON file`);
  if (flags.loss === undefined && flags.metrics === undefined) return parseModelSpec(readFileSync(model, 'utf8'), model);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(model, 'utf8'));
  } catch {
    return parseModelSpec(readFileSync(model, 'utf8'), model); // names the JSON error
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return parseModelSpec(raw, model);
  return parseModelSpec(applyModelFlags(raw as Record<string, unknown>, flags, model), model);
}

/**
 * Fashion-MNIST from `dir`. `trainLimit` reads and keeps only that many training examples;
 * 'uint8' keeps pixels as bytes (scaled on read, a quarter of the memory), which every
 * process of a multi-worker run uses.
 */
export function loadData(dir: string, options: LoadFashionMnistOptions = {}): ReturnType<typeof loadFashionMnist> {
  if (!existsSync(join(dir, 'train-images-idx3-ubyte.gz')) && !existsSync(join(dir, 'train-images-idx3-ubyte'))) {
    throw new DataError(
      `Fashion-MNIST not found in ${dir}. Install it with \`apt-get install dataset-fashion-mnist\` ` +
        '(Debian; files land in /usr/share/datasets/fashion-mnist), or pass --data <dir> with the four IDX files.',
    );
  }
  return loadFashionMnist(dir, options);
}

/** Benchmarks skip what they do not time. */
export interface TrainExtras {
  readonly skipValidation?: boolean;
  readonly skipTest?: boolean;
}

export async function runTrain(
  o: TrainOptions,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  extras: TrainExtras = {},
): Promise<TrainResult> {
  const t0 = performance.now();
  const modelFile = modelFileOf(o.model);
  const spec = modelFile ? await modelFileSpec(modelFile, o.backend, o.modelFlags) : loadModelSpec(o.model, o.modelFlags);
  checkModelExports(o, modelFile, spec); // before training, not after
  const { ref } = await backendRegistry({ ...o, modelFile }).create(o.backend);
  const { strategy, isChief, rank, worldSize } = makeStrategy(o, ref, log);
  let checkpointLock: HeldCheckpointLock | undefined;
  let preemption: PreemptionWatcher | undefined;
  try {
    // The writer takes --checkpoint-dir before reading any data: a second writer fails here, naming the holder.
    checkOutputPaths(o, isChief); // every output writable before any data is read (OutputPathError otherwise)
    if (o.strategy !== 'tpu') checkReplicaBounds(o.replicas, log); // this machine's replicas: a warning above the cores, an error above its memory
    checkpointLock = await lockCheckpointDir(o.checkpointDir, isChief, log);
    // In memory for the Fashion-MNIST IDX directory (as bytes in every process of a multi-worker run), else streamed.
    const data = await loadRunData(
      {
        data: o.data,
        ...(o.dataFlags ? { dataFlags: o.dataFlags } : {}),
        ...(o.trainLimit !== undefined ? { trainLimit: o.trainLimit } : {}),
        multiWorker: o.strategy === 'multi-worker',
        ...(o.checkpointDir ? { checkpointDir: o.checkpointDir } : {}),
        isChief,
      },
      log,
      loadData,
    );
    checkModelFitsData(spec, o.model, data, o.data);
    preemption = new PreemptionWatcher(['SIGTERM', 'SIGINT'], log);
    const placement = describePlacement({ replicas: strategy.numReplicasInSync, workers: worldSize, replicaKind: replicaKindOf(o) });
    // Once per run: the chief speaks for every worker (each still logs its own rank and peers).
    if (isChief) log(`syncline: ${strategy.name} with ${placement}, backend ${o.backend}, model ${spec.name ?? o.model}`);
    // Multi-worker: every worker must run the same loop on the same data (checked at rendezvous).
    const agree = {
      '--seed': o.seed,
      '--global-batch': o.globalBatch,
      '--epochs': o.epochs,
      '--virtual-epoch-size': o.virtualEpochSize,
      '--train-limit': o.trainLimit,
      ...data.fingerprints,
    };
    const model = await strategy.createModel(spec, { seed: o.seed, ...(worldSize > 1 ? { agree } : {}) });
    return await fitAndReport(o, { strategy, model, data, preemption, isChief, rank, worldSize, checkpointLock, t0, modelFile }, log, extras);
  } finally {
    preemption?.dispose();
    await strategy.close();
    await checkpointLock?.release(); // idempotent: BackupAndRestore releases it when training ends
  }
}

interface Run {
  readonly strategy: Strategy;
  readonly model: DistributedModel;
  readonly data: RunData;
  readonly preemption: PreemptionWatcher;
  readonly isChief: boolean;
  readonly rank: number;
  readonly worldSize: number;
  readonly checkpointLock: HeldCheckpointLock | undefined;
  readonly t0: number;
  /** The model file --model names (read once, by runTrain), or undefined for a spec. */
  readonly modelFile: ModelFile | undefined;
}

/** Trains `run.model`, evaluates it, writes reports and weights; the caller releases everything. */
async function fitAndReport(o: TrainOptions, run: Run, log: (line: string) => void, extras: TrainExtras): Promise<TrainResult> {
  const { strategy, model, data, preemption, isChief, rank, worldSize, checkpointLock, t0, modelFile } = run;
  const { spec } = model;
  const train = data.train;
  const weightUpdate = strategy instanceof MirroredStrategy ? strategy.weightUpdate : undefined;
  if (weightUpdate === 'sharded')
    log(`syncline: optimizer update sharded across the ${strategy.numReplicasInSync} replicas (each applies 1/${strategy.numReplicasInSync}, then all-gather)`);
  else if (o.shardUpdate && o.strategy === 'mirrored' && strategy.numReplicasInSync > 1)
    log(`syncline: optimizer update replicated (backend ${o.backend} or the ${o.isolation} communicator cannot shard it)`);
  const gradientBuffer = strategy instanceof MirroredStrategy ? strategy.gradientBuffer : undefined;
  if (gradientBuffer === 'plain' && strategy.numReplicasInSync > 1)
    log('syncline: gradients are all-reduced through copies (the communicator has no registered buffer, or the model does not fit its space)');
  const callbacks: Callback[] = [preemption, new ConsoleProgress(!o.json && isChief, o.epochs, process.stderr, reportsAccuracy(spec))];
  const backup = o.checkpointDir
    ? new BackupAndRestore({
        dir: o.checkpointDir,
        log,
        writer: isChief,
        model: { name: spec.name ?? o.model, spec },
        ...(checkpointLock ? { heldLock: checkpointLock } : {}),
      })
    : undefined;
  if (backup) callbacks.unshift(backup);
  // replicas are compared before BackupAndRestore saves (hooks run in order): a diverged state is never checkpointed
  callbacks.unshift(new ReplicaAgreementCheck({ everySteps: o.checkReplicasEvery, log }));
  let result: Omit<TrainResult, 'wallSeconds' | 'peakRssMb'> | undefined;
  const reporter =
    o.logDir && isChief
      ? new RunReporter(o.logDir, {
          plannedEpochs: o.epochs,
          resumedAt: () => backup?.resumedAt,
          info: buildRunInfo({
            options: { ...o },
            spec,
            modelFlag: o.model,
            seed: o.seed,
            strategy: strategy.name,
            backend: o.backend,
            replicas: strategy.numReplicasInSync,
            workers: worldSize,
            replicaKind: replicaKindOf(o),
          }),
        })
      : undefined;
  if (reporter) callbacks.push(reporter);
  if (o.logDir && isChief) {
    const lr = spec.optimizer.learningRate; // constant: the spec's optimizer has no schedule
    const tb = { learningRate: () => lr, logEvery: o.logEvery, histograms: o.histograms };
    callbacks.push(new TensorBoardCallback(join(o.logDir, 'tensorboard'), tb));
  }
  const meta = { model: spec.name ?? o.model, backend: o.backend, strategy: strategy.name, replicas: strategy.numReplicasInSync, globalBatch: o.globalBatch };
  const runProfile = startRunProfile(o, { rank, worldSize, isChief, replicas: strategy.numReplicasInSync, meta, log });
  const history = await model
    .fit(train, {
      epochs: o.epochs,
      globalBatchSize: o.globalBatch,
      stepsPerExecution: o.stepsPerExecution,
      seed: o.seed,
      ...(extras.skipValidation || !data.test ? {} : { validationData: data.test }),
      callbacks,
      ...(o.virtualEpochSize !== undefined ? { virtualEpochSize: o.virtualEpochSize } : {}),
      ...(runProfile.profiler ? { profiler: runProfile.profiler } : {}),
    })
    .catch(async (e: unknown) => {
      await reporter?.close(); // ends the chart worker; report.html keeps the last finished epoch
      throw e;
    });
  // Agreed through the all-reduce: true on every worker, also those that got no SIGTERM
  // themselves, and false when a signal came too late to stop training (the run finishes).
  const preempted = preemption.agreed;
  const profiled = await runProfile.finish();
  const finalWeights = await model.getWeights();
  if (isChief) await writeModelExports(o, modelFile, spec, finalWeights, model.layout, log);
  if (o.exportWeights && isChief) {
    const tensors = model.layout.entries.map((e) => ({ name: e.name, shape: e.shape, data: finalWeights.subarray(e.offset, e.offset + e.size) }));
    writeFinalWeights(o.exportWeights, encodeSafetensors(tensors, { model: spec.name ?? o.model, seed: String(o.seed) }), o.checkpointDir, log);
  }
  const test =
    extras.skipTest || preempted || !data.test
      ? { loss: Number.NaN, accuracy: Number.NaN, count: 0 }
      : await model.evaluate(data.test!, { globalBatchSize: evalBatch(o.globalBatch, strategy.numReplicasInSync) });
  const rows = history.history;
  const testMetrics = Object.fromEntries(extraMetrics(test));
  const ips = rows.length ? rows.reduce((a, r) => a + r.examplesPerSec, 0) / rows.length : 0;
  result = {
    strategy: strategy.name,
    backend: o.backend,
    ...(weightUpdate ? { weightUpdate } : {}),
    ...(gradientBuffer ? { gradientBuffer } : {}),
    replicas: strategy.numReplicasInSync,
    epochs: o.epochs,
    globalBatch: o.globalBatch,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    ...(Object.keys(testMetrics).length ? { testMetrics } : {}),
    trainImagesPerSec: ips,
    resumedFromEpoch: backup?.resumedAt.epoch ?? 0,
    resumedFromStep: backup?.resumedAt.step ?? 0,
    preempted,
    ...(preempted && preemption.signal ? { stopSignal: preemption.signal } : {}),
    rank,
    worldSize,
    weightsSha256: sha256(finalWeights),
    history: rows.map((r, i) => ({ epoch: history.epochs[i]! + 1, ...r })),
    ...profiled,
  };
  if (reporter) {
    const files = await reporter.finish({
      preempted,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      trainImagesPerSec: ips,
      weightsSha256: result.weightsSha256,
      extra: { ...(weightUpdate ? { 'weight update': weightUpdate } : {}), ...(gradientBuffer ? { 'gradient buffer': gradientBuffer } : {}) },
    });
    log(`report: ${files.html}`);
  }
  if (preempted) log(`preempted by ${preemption.signal ?? 'a signal on another worker'}: stopped after a checkpoint; rerun the same command to resume`);
  else if (!data.test && !extras.skipTest) log('no test data: give --validation-data to evaluate the trained model');
  else
    log(
      `${reportsAccuracy(spec) ? `test accuracy ${(100 * test.accuracy).toFixed(2)}%, loss` : 'test loss'} ${test.loss.toFixed(4)}${Object.entries(testMetrics)
        .map(([k, v]) => `, ${kerasName(k)} ${v.toFixed(4)}`)
        .join('')}`,
    );
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  log(`syncline: peak memory ${peakRssMb} MB`);
  return { ...result, wallSeconds: (performance.now() - t0) / 1000, peakRssMb };
}
