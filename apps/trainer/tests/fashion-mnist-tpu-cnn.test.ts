/**
 * Issue 7's end-to-end figure: `syncline train --strategy tpu --backend pjrt --model cnn`
 * on the XLA CPU PJRT plugin (2 CPU devices) reaches >= 89.5% test accuracy within 5
 * epochs at global batch 64. The plugin is fetched from PyPI by tools/scripts/install.sh.
 */
import { existsSync } from 'node:fs';
import { defaultCpuPluginPath } from '@syncline/tpu-bridge';
import { runTrain } from '../src/commands/train';
import { validateTrainOptions } from '../src/commands/train-options';
import { FULL_DIR, fullDataAvailable } from './helpers';

describe('Fashion-MNIST, TPUStrategy over PJRT (XLA CPU plugin)', () => {
  it('CNN, 2 devices, 5 epochs, global batch 64: >= 89.5% test accuracy', async () => {
    if (!fullDataAvailable()) throw new Error(`Fashion-MNIST is not installed in ${FULL_DIR}: apt-get install dataset-fashion-mnist (.ci/run does)`);
    const plugin = defaultCpuPluginPath();
    if (!existsSync(plugin)) throw new Error(`XLA CPU PJRT plugin missing at ${plugin}: run tools/scripts/fetch-pjrt-plugin.sh (.ci/run does)`);
    const result = await runTrain(
      validateTrainOptions({
        strategy: 'tpu', backend: 'pjrt', replicas: 2, isolation: 'thread', model: 'cnn', data: FULL_DIR,
        epochs: 5, globalBatch: 64, stepsPerExecution: 8, seed: 42, json: true, timeoutMs: 120_000,
      }),
      (line) => process.stderr.write(`${line}\n`),
      { skipValidation: true },
    );
    process.stderr.write(`CNN on PJRT x2 devices: test accuracy ${(100 * result.testAccuracy).toFixed(2)}%, ${Math.round(result.trainImagesPerSec)} images/s\n`);
    expect(result.history).toHaveLength(5);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.895);
  }, 1_200_000);
});
