// Worker-thread entry for worker-threads.test.ts: builds an onnx replica inside the worker
// and posts back the gradients of one batch.
import { parentPort, workerData } from 'node:worker_threads';
import { presetModelSpec } from '@syncline/core';
import { createOnnxBackend } from '../../src/index';

void (async () => {
  const { x, y, size } = workerData as { x: Float32Array; y: Int32Array; size: number };
  const r = await createOnnxBackend().createReplica(presetModelSpec('cnn'), { seed: 5 });
  const g = await r.computeGradients({ x, y, size, exampleShape: [28, 28, 1] });
  await r.dispose();
  parentPort!.postMessage({ lossSum: g.lossSum, gradients: g.gradients });
})();
