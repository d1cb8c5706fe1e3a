/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 */
/**
 * Issue 6's parity figures, backend-onnx against backend-tfjs (wasm):
 * 1. the same seed gives both backends bit-identical initial weights, and on one batch
 *    their gradients of the summed loss agree per tensor within 1e-4 relative (L2);
 * 2. the MLP (1 epoch) and the CNN (400 steps) trained through `syncline train` with one
 *    seed on each backend end within 0.5 points of test accuracy on the full test set.
 */
import { presetModelSpec, type Batch, type ReplicaProgram } from '@syncline/core';
import { createOnnxBackend } from '@syncline/backend-onnx';
import { createTfjsBackend } from '@syncline/backend-tfjs';
import { runTrain } from '../src/commands/train';
import { validateTrainOptions } from '../src/commands/train-options';
import { FULL_DIR, bitwiseEqual, fullDataAvailable, sample } from './helpers';
import { relL2 } from './parity-models';

const GRAD_REL_TOL = 1e-4;
const ACCURACY_POINTS = 0.5;

function firstBatch(size: number, exampleShape: readonly number[]): Batch {
  const train = sample().train;
  const x = new Float32Array(size * train.exampleLength);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    train.readFeatures(i, x, i * train.exampleLength);
    y[i] = train.label(i);
  }
  return { x, y, size, exampleShape };
}

describe('backend-onnx against backend-tfjs', () => {
  it.each(['mlp', 'cnn'] as const)(
    '%s: identical initial weights; gradients within 1e-4 relative per tensor',
    async (model) => {
      const spec = presetModelSpec(model);
      const replicas: ReplicaProgram[] = [
        await createOnnxBackend().createReplica(spec, { seed: 9 }),
        await createTfjsBackend({ candidates: ['wasm'] }).createReplica(spec, { seed: 9 }),
      ];
      try {
        const [onnx, tfjs] = replicas as [ReplicaProgram, ReplicaProgram];
        expect(bitwiseEqual(await onnx.getWeights(), await tfjs.getWeights())).toBe(true);
        const batch = firstBatch(32, spec.inputShape);
        const [go, gt] = [await onnx.computeGradients(batch), await tfjs.computeGradients(batch)];
        expect(Math.abs(go.lossSum - gt.lossSum) / gt.lossSum).toBeLessThanOrEqual(GRAD_REL_TOL);
        expect(go.correct).toBe(gt.correct);
        let offset = 0;
        const worst: Record<string, number> = {};
        for (const e of onnx.layout.entries.filter((x) => x.trainable)) {
          worst[e.name] = relL2(go.gradients.subarray(offset, offset + e.size), gt.gradients.subarray(offset, offset + e.size));
          offset += e.size;
        }
        process.stderr.write(`${model} gradient parity (relative L2 per tensor): ${JSON.stringify(worst)}\n`);
        for (const [name, r] of Object.entries(worst)) expect([name, r <= GRAD_REL_TOL]).toEqual([name, true]);
      } finally {
        await Promise.all(replicas.map((r) => r.dispose()));
      }
    },
    120_000,
  );

  it.each([
    ['mlp', { epochs: 1 }],
    ['cnn', { epochs: 1, virtualEpochSize: 400 * 64 }],
  ] as const)(
    '%s trained with one seed on each backend: test accuracies within 0.5 points',
    async (model, extra) => {
      if (!fullDataAvailable()) throw new Error(`Fashion-MNIST is not installed in ${FULL_DIR}: apt-get install dataset-fashion-mnist (.ci/run does)`);
      const accuracy: Record<string, number> = {};
      for (const backend of ['onnx', 'tfjs'] as const) {
        const r = await runTrain(
          validateTrainOptions({
            strategy: 'mirrored',
            replicas: 1,
            isolation: 'thread',
            backend,
            model,
            data: FULL_DIR,
            globalBatch: 64,
            stepsPerExecution: 1,
            seed: 5,
            json: true,
            timeoutMs: 300_000,
            ...extra,
          }),
          () => undefined,
          { skipValidation: true },
        );
        accuracy[backend] = 100 * r.testAccuracy;
      }
      process.stderr.write(`${model} test accuracy: onnx ${accuracy.onnx!.toFixed(2)}%, tfjs ${accuracy.tfjs!.toFixed(2)}%\n`);
      expect(accuracy.onnx!).toBeGreaterThan(70);
      expect(Math.abs(accuracy.onnx! - accuracy.tfjs!)).toBeLessThanOrEqual(ACCURACY_POINTS);
    },
    600_000,
  );
});
