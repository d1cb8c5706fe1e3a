/**
 * Issue 17's ResNet figure on pjrt: `syncline train --strategy tpu --backend pjrt --model
 * apps/trainer/models/resnet-small.json` on the XLA CPU plugin with 2 devices (conv +
 * batchNormalization stem, two residual blocks with adds, global average pooling; adam with
 * warmup + cosine) reaches >= 91.5% test accuracy in 5 epochs at global batch 64 on the full
 * Fashion-MNIST, as the onnx run does (fashion-mnist-onnx-resnet.e2e.test.ts).
 * Minutes on a 2-core machine, so it runs only when asked: `npm run test:long`
 * (SYNCLINE_LONG_TESTS=1); `npm test` reports it skipped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCpuPluginPath } from '@syncline/tpu-bridge';
import { trainFullFashionMnist } from './fashion-mnist-e2e';

const long = process.env['SYNCLINE_LONG_TESTS'] === '1';
if (!long) console.info('fashion-mnist-pjrt-resnet: skipped (minutes here); run it with `npm run test:long`');

describe('Fashion-MNIST, ResNet-style spec on PJRT (XLA CPU plugin)', () => {
  (long ? it : it.skip)(
    'resnet-small.json, 2 devices, 5 epochs, global batch 64: >= 91.5% test accuracy',
    async () => {
      const plugin = defaultCpuPluginPath();
      if (!existsSync(plugin)) throw new Error(`XLA CPU PJRT plugin missing at ${plugin}: run tools/scripts/fetch-pjrt-plugin.sh (.ci/run does)`);
      const result = await trainFullFashionMnist({
        label: 'resnet-small on PJRT x2 devices',
        strategy: 'tpu',
        backend: 'pjrt',
        model: join(__dirname, '..', 'models', 'resnet-small.json'),
        stepsPerExecution: 8,
      });
      expect(result.history).toHaveLength(5);
      expect(result.testAccuracy).toBeGreaterThanOrEqual(0.915);
    },
    3_600_000,
  );
});
