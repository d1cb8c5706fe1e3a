/**
 * `syncline train`: trains a model on Fashion-MNIST with the chosen strategy and
 * backend, prints progress and per-epoch rows, writes reports and checkpoints, and
 * with --json ends with one JSON object line of results.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BackupAndRestore,
  DataError,
  MirroredStrategy,
  loadFashionMnist,
  parseModelSpec,
  presetModelSpec,
  type Callback,
  type ModelSpec,
  type Strategy,
} from '@syncline/core';
import { backendRegistry, communicatorRef } from '../plugins/backends';
import { ConsoleProgress } from '../report/console-progress';
import { RunReporter } from '../report/run-reporter';
import type { TrainOptions } from './train-options';

export interface TrainResult {
  readonly strategy: string;
  readonly backend: string;
  readonly replicas: number;
  readonly epochs: number;
  readonly globalBatch: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly trainImagesPerSec: number;
  readonly wallSeconds: number;
  readonly resumedFromEpoch: number;
  readonly history: readonly Record<string, number | undefined>[];
  readonly weightsChecksum?: string;
}

/** Evaluation batch: at least 256 and a multiple of the replica count. */
function evalBatch(globalBatch: number, replicas: number): number {
  const b = Math.max(globalBatch, 256);
  return b - (b % replicas);
}

export function loadModelSpec(model: string): ModelSpec {
  if (model === 'mlp' || model === 'cnn') return presetModelSpec(model);
  if (!existsSync(model)) throw new DataError(`--model ${model}: not "mlp", "cnn" or an existing spec JSON file`);
  return parseModelSpec(readFileSync(model, 'utf8'), model);
}

export function loadData(dir: string): ReturnType<typeof loadFashionMnist> {
  if (!existsSync(join(dir, 'train-images-idx3-ubyte.gz')) && !existsSync(join(dir, 'train-images-idx3-ubyte'))) {
    throw new DataError(
      `Fashion-MNIST not found in ${dir}. Install it with \`apt-get install dataset-fashion-mnist\` ` +
        '(Debian; files land in /usr/share/datasets/fashion-mnist), or pass --data <dir> with the four IDX files.',
    );
  }
  return loadFashionMnist(dir);
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
  const spec = loadModelSpec(o.model);
  const data = loadData(o.data);
  const train = o.trainLimit !== undefined ? data.train.slice(0, Math.min(o.trainLimit, data.train.size)) : data.train;
  const choice = await backendRegistry().create(o.backend);
  let strategy: Strategy;
  if (o.strategy === 'mirrored') {
    strategy = new MirroredStrategy({
      replicas: o.replicas,
      isolation: o.isolation,
      backend: choice.ref,
      communicator: communicatorRef(o.isolation, o.timeoutMs),
      timeoutMs: o.timeoutMs,
    });
  } else {
    throw new DataError(`--strategy ${o.strategy} is not available in this build`);
  }
  log(`syncline: ${strategy.name} with ${strategy.numReplicasInSync} replica(s) (${o.isolation}s), backend ${o.backend}, model ${spec.name ?? o.model}`);
  const model = await strategy.createModel(spec, { seed: o.seed });
  try {
    const callbacks: Callback[] = [new ConsoleProgress(!o.json, o.epochs)];
    const backup = o.checkpointDir ? new BackupAndRestore({ dir: o.checkpointDir, log }) : undefined;
    if (backup) callbacks.unshift(backup);
    let result: Omit<TrainResult, 'wallSeconds'> | undefined;
    const reporter = o.logDir ? new RunReporter(o.logDir, () => ({ ...result })) : undefined;
    if (reporter) callbacks.push(reporter);
    const history = await model.fit(train, {
      epochs: o.epochs,
      globalBatchSize: o.globalBatch,
      stepsPerExecution: o.stepsPerExecution,
      seed: o.seed,
      ...(extras.skipValidation ? {} : { validationData: data.test }),
      callbacks,
      ...(o.virtualEpochSize !== undefined ? { virtualEpochSize: o.virtualEpochSize } : {}),
    });
    const test = extras.skipTest
      ? { loss: Number.NaN, accuracy: Number.NaN, count: 0 }
      : await model.evaluate(data.test, { globalBatchSize: evalBatch(o.globalBatch, strategy.numReplicasInSync) });
    const rows = history.history;
    const ips = rows.length ? rows.reduce((a, r) => a + r.examplesPerSec, 0) / rows.length : 0;
    result = {
      strategy: strategy.name,
      backend: o.backend,
      replicas: strategy.numReplicasInSync,
      epochs: o.epochs,
      globalBatch: o.globalBatch,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      trainImagesPerSec: ips,
      resumedFromEpoch: backup?.resumedAtEpoch ?? 0,
      history: rows.map((r, i) => ({ epoch: history.epochs[i]! + 1, ...r })),
    };
    if (reporter) {
      const files = reporter.finish();
      log(`report: ${files.html}`);
    }
    log(`test accuracy ${(100 * test.accuracy).toFixed(2)}%, loss ${test.loss.toFixed(4)}`);
    return { ...result, wallSeconds: (performance.now() - t0) / 1000 };
  } finally {
    await strategy.close();
  }
}
