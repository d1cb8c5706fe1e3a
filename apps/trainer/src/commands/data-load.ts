/**
 * What `syncline train` trains and tests on: the Fashion-MNIST IDX directory in memory,
 * exactly as before (no data flag, a directory holding train-images-idx3-ubyte), or any
 * --data path, directory or glob streamed from disk (TFRecord, CSV, JSONL, IDX), with
 * --validation-data as validation and test set. Checks the model's input against the data
 * before anything starts, and writes categorical vocabularies beside the checkpoints.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  InvalidConfigError,
  type FashionMnist,
  type LoadFashionMnistOptions,
  ShapeMismatchError,
  openStreamSource,
  vocabulariesOf,
  type DataSource,
  type ModelSpec,
  type OpenStreamOptions,
  type StreamSource,
} from '@syncline/core';
import { isPlainIdxRun, type DataFlags } from './data-options';
import { dataFingerprint } from './data-fingerprint';

/** Name of the vocabulary file written beside the checkpoints. */
export const VOCABULARY_FILE = 'vocabulary.json';

/** The data of one run. */
export interface RunData {
  readonly train: DataSource;
  /** Validation after every epoch and the final test (absent: streamed data without --validation-data). */
  readonly test?: DataSource;
  /** For the multi-worker agreement check. */
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly streamed: boolean;
}

/** Options `runTrain` passes (a subset of TrainOptions). */
export interface LoadRunDataOptions {
  readonly data: string;
  readonly dataFlags?: DataFlags;
  readonly trainLimit?: number;
  readonly multiWorker: boolean;
  readonly checkpointDir?: string;
  readonly isChief: boolean;
}

/** "<n> examples of [shape] in <k> files, sha256 <...>" over file names, sizes and schema. */
export function streamFingerprint(s: StreamSource): string {
  const h = createHash('sha256').update(JSON.stringify({ files: s.files.map((f) => basename(f)), sizes: s.fileSizes, spec: { ...s.spec, files: [] } }));
  return `${s.size} examples of [${s.exampleShape.join(', ')}] in ${s.files.length} file(s), sha256 ${h.digest('hex').slice(0, 16)}`;
}

function isIdxDir(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && ['train-images-idx3-ubyte.gz', 'train-images-idx3-ubyte'].some((f) => existsSync(join(dir, f)));
}

/**
 * Loads or opens the run's data. Throws DataError for missing or bad files,
 * InvalidConfigError for flags that do not fit streamed data (--train-limit). `loadData`
 * is train.ts's in-memory loader (passed in, so the two modules do not import each other).
 */
export async function loadRunData(
  o: LoadRunDataOptions,
  log: (line: string) => void,
  loadData: (dir: string, options: LoadFashionMnistOptions) => FashionMnist,
): Promise<RunData> {
  const flags = o.dataFlags ?? {};
  if (isPlainIdxRun(flags) && (isIdxDir(o.data) || (!existsSync(o.data) && !/[*?[{]/.test(o.data)))) {
    // The in-memory path, unchanged: a worker holds only the examples it trains on, as bytes when it is one of several processes.
    const data = loadData(o.data, { ...(o.trainLimit !== undefined ? { trainLimit: o.trainLimit } : {}), ...(o.multiWorker ? { dtype: 'uint8' } : {}) });
    return {
      train: data.train,
      test: data.test,
      fingerprints: { 'training data': dataFingerprint(data.train), 'test data': dataFingerprint(data.test) },
      streamed: false,
    };
  }
  if (o.trainLimit !== undefined) {
    throw new InvalidConfigError(
      '--train-limit',
      o.trainLimit,
      'only with the in-memory Fashion-MNIST directory; for streamed --data use --virtual-epoch-size',
    );
  }
  const options: OpenStreamOptions = {
    ...(flags.format ? { format: flags.format } : {}),
    ...(flags.label ? { label: flags.label } : {}),
    ...(flags.features ? { features: flags.features } : {}),
    ...(flags.shuffleBuffer ? { shuffleBuffer: flags.shuffleBuffer } : {}),
    log,
  };
  const train = await openStreamSource(o.data, options);
  log(`syncline: streaming ${train.name}: ${train.size} examples of [${train.exampleShape.join(', ')}] in ${train.files.length} file(s)`);
  const test = flags.validationData ? await openStreamSource(flags.validationData, { ...options, format: train.spec.format }) : undefined;
  if (test && test.exampleLength !== train.exampleLength) {
    throw new ShapeMismatchError(
      `--validation-data ${flags.validationData} holds examples of [${test.exampleShape.join(', ')}] but --data ${o.data} [${train.exampleShape.join(', ')}]; both need the same features.`,
    );
  }
  const vocab = vocabulariesOf(train.spec);
  if (o.checkpointDir && o.isChief && Object.keys(vocab).length > 0) {
    mkdirSync(o.checkpointDir, { recursive: true });
    writeFileSync(join(o.checkpointDir, VOCABULARY_FILE), JSON.stringify(vocab, null, 1) + '\n');
    log(`syncline: categorical vocabularies (${Object.keys(vocab).join(', ')}) written to ${join(o.checkpointDir, VOCABULARY_FILE)}`);
  }
  return {
    train,
    ...(test ? { test } : {}),
    fingerprints: { 'training data': streamFingerprint(train), 'test data': test ? streamFingerprint(test) : 'none' },
    streamed: true,
  };
}

/** Throws ShapeMismatchError naming --model and --data when the model's input does not take the data's examples. */
export function checkModelFitsData(spec: ModelSpec, modelFlag: string, data: RunData, dataFlag: string): void {
  const want = spec.inputShape.reduce((a, b) => a * b, 1);
  const have = data.train.exampleLength;
  if (want !== have) {
    throw new ShapeMismatchError(
      `--model ${modelFlag} takes inputShape [${spec.inputShape.join(', ')}] (${want} values) but --data ${dataFlag} holds examples of ` +
        `[${data.train.exampleShape.join(', ')}] (${have} values); pick a model spec whose inputShape holds ${have} values, or other --features.`,
    );
  }
}
