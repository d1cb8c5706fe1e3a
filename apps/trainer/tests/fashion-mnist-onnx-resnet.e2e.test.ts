/**
 * Issue 17's ResNet figure: `syncline train --backend onnx --model
 * apps/trainer/models/resnet-small.json --replicas 2` (conv + batchNormalization stem, two
 * residual blocks with adds, global average pooling; adam with warmup + cosine) reaches
 * >= 91.5% test accuracy in 5 epochs at global batch 64 on the full Fashion-MNIST (the plain
 * CNN preset reaches about 90.5%; measured here: 92.70% with seed 42, and 92.65% once BatchNorm's
 * moving statistics were averaged across replicas at every agreement check).
 * About 10 minutes on a 2-core machine, more than the rest of the e2e tier together, so it runs
 * only when asked: `npm run test:long` (SYNCLINE_LONG_TESTS=1); `npm test` reports it skipped.
 */
import { join } from 'node:path';
import { trainFullFashionMnist } from './fashion-mnist-e2e';

const long = process.env['SYNCLINE_LONG_TESTS'] === '1';
if (!long) console.info('fashion-mnist-onnx-resnet: skipped (about 10 minutes here); run it with `npm run test:long`');

describe('Fashion-MNIST, ResNet-style spec on ONNX Runtime', () => {
  (long ? it : it.skip)(
    'resnet-small.json, 2 replicas, 5 epochs, global batch 64: >= 91.5% test accuracy',
    async () => {
      const result = await trainFullFashionMnist({
        label: 'resnet-small on ONNX x2 replicas',
        strategy: 'mirrored',
        backend: 'onnx',
        model: join(__dirname, '..', 'models', 'resnet-small.json'),
        stepsPerExecution: 1,
      });
      expect(result.history).toHaveLength(5);
      expect(result.testAccuracy).toBeGreaterThanOrEqual(0.915);
    },
    1_800_000,
  );
});
