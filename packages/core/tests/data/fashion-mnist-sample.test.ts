/** The committed Fashion-MNIST sample loads through loadFashionMnist and flows through the pipeline. */
import { join } from 'node:path';
import { distributeDataset } from '../../src/data/distribute';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '../../src/data/fashion-mnist';

const SAMPLE_DIR = join(__dirname, '..', '..', '..', '..', 'test-data', 'fashion-mnist-sample');

describe('Fashion-MNIST sample', () => {
  it('loads 2,000 train and 500 test images of [28, 28, 1] in [0, 1] with labels 0..9', () => {
    const { train, test } = loadFashionMnist(SAMPLE_DIR);
    expect([train.size, test.size]).toEqual([2000, 500]);
    expect(train.exampleShape).toEqual([28, 28, 1]);
    const counts = new Array<number>(FASHION_MNIST_CLASSES).fill(0);
    for (let i = 0; i < train.size; i++) counts[train.label(i)]!++;
    expect(counts.every((c) => c > 100)).toBe(true); // all ten classes present
    const img = new Float32Array(784);
    train.readFeatures(0, img, 0);
    expect(Math.min(...img)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
    expect(Math.max(...img)).toBeGreaterThan(0.5);
  });

  it('one epoch over 2 workers x 2 replicas at global batch 64 reads every example once', () => {
    const { train } = loadFashionMnist(SAMPLE_DIR);
    const labelsSeen = new Array<number>(FASHION_MNIST_CLASSES).fill(0);
    let total = 0;
    for (let w = 0; w < 2; w++) {
      const ds = distributeDataset(train, { globalBatchSize: 64, seed: 1 }, { numInputPipelines: 2, inputPipelineId: w, numReplicasInSync: 4 });
      expect(ds.stepsPerEpoch).toBe(32);
      for (const bs of ds.epoch(0))
        for (const b of bs) {
          total += b.size;
          for (const l of b.y) labelsSeen[l]!++;
        }
    }
    expect(total).toBe(2000);
    const expected = new Array<number>(FASHION_MNIST_CLASSES).fill(0);
    for (let i = 0; i < train.size; i++) expected[train.label(i)]!++;
    expect(labelsSeen).toEqual(expected);
  });
});
