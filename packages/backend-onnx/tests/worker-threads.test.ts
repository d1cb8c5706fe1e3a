/**
 * onnxruntime-node inside worker_threads: a replica built in a worker computes the same
 * gradients as one on the main thread (so replicas can be threads, not processes).
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { presetModelSpec } from '@syncline/core';
import { createOnnxBackend } from '../src/index';
import { seededUniform } from './helpers/grad-check';

describe('onnx replicas in worker_threads', () => {
  it('two workers at once compute the main thread gradients bit for bit', async () => {
    const size = 4;
    const x = seededUniform(size * 784, 3, 0, 1);
    const y = Int32Array.from([1, 4, 9, 0]);
    const main = await createOnnxBackend().createReplica(presetModelSpec('cnn'), { seed: 5 });
    const expected = await main.computeGradients({ x, y, size, exampleShape: [28, 28, 1] });
    await main.dispose();
    const run = (): Promise<{ lossSum: number; gradients: Float32Array }> =>
      new Promise((resolve, reject) => {
        // jest's moduleNameMapper does not reach workers: tsx's require hook loads the .ts
        // entry (execArgv ['--import', 'tsx'] did not register it in workers on Node 20.20),
        // and @syncline/core is mapped to its source as jest does, so no build is needed.
        const entry = JSON.stringify(join(__dirname, 'helpers', 'worker-replica.ts'));
        const coreSrc = JSON.stringify(join(__dirname, '..', '..', 'core', 'src', 'index.ts'));
        const code = [
          "require('tsx/cjs');",
          "const M = require('node:module'); const resolve = M._resolveFilename;",
          `M._resolveFilename = function (r, ...rest) { return resolve.call(this, r === '@syncline/core' ? ${coreSrc} : r, ...rest); };`,
          `require(${entry});`,
        ].join('\n');
        const w = new Worker(code, { eval: true, workerData: { x, y, size } });
        w.once('message', (m) => {
          resolve(m);
          void w.terminate();
        });
        w.once('error', reject);
      });
    const results = await Promise.all([run(), run()]);
    for (const r of results) {
      expect(r.lossSum).toBe(expected.lossSum);
      expect(Buffer.from(r.gradients.buffer).equals(Buffer.from(expected.gradients.buffer))).toBe(true);
    }
  }, 60_000);
});
