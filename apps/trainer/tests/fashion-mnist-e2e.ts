/**
 * The Fashion-MNIST accuracy runs (fashion-mnist-*.e2e.test.ts): `syncline train` on the
 * full data set with the settings every one of them shares (2 replicas as threads, 5 epochs,
 * global batch 64, seed 42, no validation pass). Each test names its strategy, backend and
 * model and keeps its own accuracy threshold.
 */
import { runTrain, type TrainResult } from '../src/commands/train';
import { validateTrainOptions, type BackendName, type StrategyName } from '../src/commands/train-options';
import { FULL_DIR, fullDataAvailable } from './helpers';

/** Epochs of every accuracy run; each test checks the history has exactly this many. */
export const FASHION_MNIST_EPOCHS = 5;

/** What differs between the accuracy runs. */
export interface FashionMnistRun {
  /** Names the run in the printed result line, e.g. `CNN on ONNX x2 replicas`. */
  readonly label: string;
  readonly strategy: StrategyName;
  readonly backend: BackendName;
  /** `mlp`, `cnn` or a model spec file. */
  readonly model: string;
  readonly stepsPerExecution: number;
}

/**
 * Trains on the full Fashion-MNIST and prints the test accuracy and throughput to stderr.
 * @throws Error when the data set is not installed (the test fails rather than skips), or
 *   whatever the training run throws
 */
export async function trainFullFashionMnist(run: FashionMnistRun): Promise<TrainResult> {
  if (!fullDataAvailable()) {
    throw new Error(`Fashion-MNIST is not installed in ${FULL_DIR}: apt-get install dataset-fashion-mnist (.ci/run does)`);
  }
  const result = await runTrain(
    validateTrainOptions({
      strategy: run.strategy,
      replicas: 2,
      isolation: 'thread',
      backend: run.backend,
      model: run.model,
      data: FULL_DIR,
      epochs: FASHION_MNIST_EPOCHS,
      globalBatch: 64,
      stepsPerExecution: run.stepsPerExecution,
      seed: 42,
      json: true,
      timeoutMs: 120_000,
    }),
    (line) => process.stderr.write(`${line}\n`),
    { skipValidation: true },
  );
  process.stderr.write(`${run.label}: test accuracy ${(100 * result.testAccuracy).toFixed(2)}%, ${Math.round(result.trainImagesPerSec)} images/s\n`);
  return result;
}
