/**
 * model.predict under MultiWorkerMirroredStrategy returns every row of its input, in
 * order, on every worker (as the DistributedModel contract says), not only the worker's
 * shard: two workers in this process (one replica thread each, TCP ring on loopback).
 */
import { MultiWorkerMirroredStrategy, TFConfigClusterResolver } from '@syncline/core';
import { multiWorker } from '@syncline/collective';
import { loopbackAddresses } from './cluster-helpers';
import { bitwiseEqual, mirrored, sample, TFJS_REF } from './helpers';

const SPEC = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'sgd', learningRate: 0.1 },
} as const;

describe('MultiWorkerMirroredStrategy predict', () => {
  it('every worker returns all rows, equal to a single-process prediction', async () => {
    process.env.SYNCLINE_AUTH_TOKEN ??= 'multi-worker-predict-test';
    const addresses = await loopbackAddresses(2);
    const workers = addresses.map((_, index) => {
      const resolver = TFConfigClusterResolver.fromObject({ cluster: { worker: addresses }, task: { type: 'worker', index } });
      return new MultiWorkerMirroredStrategy({
        clusterResolver: resolver,
        replicasPerWorker: 1,
        backend: TFJS_REF,
        communicator: multiWorker(),
        timeoutMs: 30_000,
      });
    });
    const single = mirrored(1);
    try {
      const [a, b] = await Promise.all(workers.map((s) => s.createModel(SPEC, { seed: 3 })));
      const data = sample().test.slice(0, 37);
      const [pa, pb] = await Promise.all([a!.predict(data, { globalBatchSize: 8 }), b!.predict(data, { globalBatchSize: 8 })]);
      const reference = await (await single.createModel(SPEC, { seed: 3 })).predict(data, { globalBatchSize: 8 });
      expect(pa!.length).toBe(37 * 10);
      expect(bitwiseEqual(pa!, pb!)).toBe(true);
      expect(bitwiseEqual(pa!, reference)).toBe(true);
    } finally {
      await Promise.all([...workers, single].map((s) => s.close()));
    }
  }, 60_000);
});
