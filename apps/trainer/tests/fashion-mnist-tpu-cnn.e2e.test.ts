/**
 * Issue 7's end-to-end figure: `syncline train --strategy tpu --backend pjrt --model cnn`
 * on the XLA CPU PJRT plugin (2 CPU devices) reaches >= 89.5% test accuracy within 5
 * epochs at global batch 64. The plugin is fetched from PyPI by tools/scripts/install.sh.
 */
import { existsSync } from 'node:fs';
import { defaultCpuPluginPath } from '@syncline/tpu-bridge';
import { trainFullFashionMnist } from './fashion-mnist-e2e';

describe('Fashion-MNIST, TPUStrategy over PJRT (XLA CPU plugin)', () => {
  it('CNN, 2 devices, 5 epochs, global batch 64: >= 89.5% test accuracy', async () => {
    const plugin = defaultCpuPluginPath();
    if (!existsSync(plugin)) throw new Error(`XLA CPU PJRT plugin missing at ${plugin}: run tools/scripts/fetch-pjrt-plugin.sh (.ci/run does)`);
    const result = await trainFullFashionMnist({ label: 'CNN on PJRT x2 devices', strategy: 'tpu', backend: 'pjrt', model: 'cnn', stepsPerExecution: 8 });
    expect(result.history).toHaveLength(5);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.895);
  }, 1_200_000);
});
