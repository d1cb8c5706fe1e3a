/**
 * strategy.run / strategy.reduce for custom training loops (as tf.distribute users
 * write them): every replica computes gradients on its own slice, the replicas
 * all-reduce through their communicator, every replica applies the mean, and the
 * mirrored weights stay bitwise identical. Also strategy.scope and currentStrategy.
 */
import { currentStrategy, type Batch } from '@syncline/core';
import { bitwiseEqual, maxAbsDiff, mirrored, sample } from './helpers';

const SPEC = { inputShape: [784], layers: [{ type: 'dense', units: 10, activation: 'softmax' }], optimizer: { name: 'sgd', learningRate: 0.1 } } as const;

function slice(from: number, n: number): Batch {
  const src = sample().train;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    src.readFeatures(from + i, x, i * 784);
    y[i] = src.label(from + i);
  }
  return { x, y, size: n, exampleShape: [784] };
}

describe('strategy.run and strategy.reduce', () => {
  it('a hand-written data-parallel step keeps replicas identical and equals the global-batch gradient', async () => {
    const strategy = mirrored(2);
    try {
      const model = await strategy.scope(async () => {
        expect(currentStrategy()).toBe(strategy);
        return strategy.createModel(SPEC, { seed: 1 });
      });
      expect(currentStrategy()).toBeUndefined();
      const before = await model.getWeights();
      const batches = [slice(0, 16), slice(16, 16)];
      const grads = await strategy.run(async (ctx) => {
        const g = await ctx.computeGradients(batches[ctx.replicaId]!);
        const buf = Float32Array.from([...g.gradients, g.count]);
        await ctx.allReduce(buf, 'sum');
        const mean = buf.subarray(0, g.gradients.length).map((v) => v / buf[g.gradients.length]!);
        await ctx.applyGradients(mean);
        return { local: g.gradients, mean, loss: g.lossSum };
      });
      // reduce over per-replica values equals the all-reduced result
      const summed = strategy.reduce('sum', { values: grads.values.map((v) => v.local) });
      expect(
        maxAbsDiff(
          summed.map((v) => v / 32),
          grads.values[0]!.mean,
        ),
      ).toBeLessThan(1e-6);
      expect(strategy.reduce('mean', { values: [1, 3] })).toBe(2);
      expect(strategy.reduce('max', { values: grads.values.map((v) => v.loss) })).toBe(Math.max(...grads.values.map((v) => v.loss)));
      // predict splits the data across replicas and joins their parts back in order
      const probs = await model.predict(sample().test.slice(0, 37), { globalBatchSize: 16 });
      expect(probs.length).toBe(37 * 10);
      for (let i = 0; i < 37; i++) expect(probs.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      const after = await strategy.replicaWeights(model);
      expect(bitwiseEqual(after[0]!, after[1]!)).toBe(true);
      expect(maxAbsDiff(after[0]!, before)).toBeGreaterThan(0);
    } finally {
      await strategy.close();
    }
  }, 60_000);
});
