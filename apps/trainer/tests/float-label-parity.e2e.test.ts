/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 */
/**
 * Real-valued labels (issue 17), backend-onnx against backend-tfjs (wasm) on a batch of real
 * Fashion-MNIST images whose labels are Float32Array fractions: mean squared and mean
 * absolute error on fractional targets, binary cross-entropy on soft targets in [0, 1]
 * (from logits and fused with a sigmoid). The same seed gives bit-identical initial
 * weights; gradients of the summed loss agree per tensor within 1e-4 relative (L2), loss
 * sums within 1e-4; each backend's loss equals a float64 recomputation from its own
 * predictions on the float targets (so no target was truncated to an integer), and an
 * Int32Array batch still feeds a regression model.
 */
import { parseModelSpec, type Batch, type ModelSpecInput, type ReplicaProgram } from '@syncline/core';
import { createOnnxBackend } from '@syncline/backend-onnx';
import { createTfjsBackend } from '@syncline/backend-tfjs';
import { bitwiseEqual } from './helpers';
import { norm, realBatch, relL2 } from './parity-models';

const GRAD_REL_TOL = 1e-4;

const mlp = (activation: string, loss: unknown): ModelSpecInput =>
  ({
    inputShape: [784],
    layers: [
      { type: 'dense', units: 32, activation: 'relu' },
      { type: 'dense', units: 1, activation },
    ],
    loss,
  }) as ModelSpecInput;

/** Fractional targets around the class id: y / 3 + 0.37 sin(i). */
const fraction = (y: number, i: number): number => y / 3 + 0.37 * Math.sin(i + 0.5);
/** Soft binary targets in [0, 1]: y / 9, pulled off the ends. */
const soft = (y: number): number => 0.05 + 0.9 * (y / 9);

/** Loss sum from predictions `p` (the model's output after its link) and targets, in float64. */
function lossFromPredictions(loss: string, p: Float32Array, t: Float32Array): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    const q = Math.min(Math.max(p[i]!, 1e-7), 1 - 1e-7);
    if (loss === 'meanSquaredError') s += (p[i]! - t[i]!) ** 2;
    else if (loss === 'meanAbsoluteError') s += Math.abs(p[i]! - t[i]!);
    else s -= t[i]! * Math.log(q) + (1 - t[i]!) * Math.log(1 - q);
  }
  return s;
}

const CASES: [string, ModelSpecInput, (y: number, i: number) => number][] = [
  ['mean squared error, fractional targets', mlp('linear', 'meanSquaredError'), fraction],
  ['mean absolute error, fractional targets', mlp('linear', 'meanAbsoluteError'), fraction],
  ['binary CE from logits, soft targets', mlp('linear', { name: 'binaryCrossentropy', fromLogits: true }), soft],
  ['binary CE fused with a sigmoid, soft targets', mlp('sigmoid', 'binaryCrossentropy'), soft],
];

describe('float32 labels: backend-onnx against backend-tfjs', () => {
  it.each(CASES)(
    '%s: gradients within 1e-4 relative per tensor, losses equal to a float64 recomputation',
    async (what, input, target) => {
      const spec = parseModelSpec(input);
      const replicas: ReplicaProgram[] = [
        await createOnnxBackend().createReplica(spec, { seed: 7 }),
        await createTfjsBackend({ candidates: ['wasm'] }).createReplica(spec, { seed: 7 }),
      ];
      try {
        const [onnx, tfjs] = replicas as [ReplicaProgram, ReplicaProgram];
        expect(bitwiseEqual(await onnx.getWeights(), await tfjs.getWeights())).toBe(true);
        const ints = realBatch(32, spec.inputShape, (y) => y);
        const y = Float32Array.from(ints.y, (v, i) => target(v, i));
        expect(y.some((v) => !Number.isInteger(v))).toBe(true);
        const batch: Batch = { ...ints, y };
        const [go, gt] = [await onnx.computeGradients(batch), await tfjs.computeGradients(batch)];
        expect(Math.abs(go.lossSum - gt.lossSum) / Math.abs(gt.lossSum)).toBeLessThanOrEqual(GRAD_REL_TOL);
        const rel: Record<string, number> = {};
        let offset = 0;
        for (const e of onnx.layout.entries.filter((x) => x.trainable)) {
          rel[e.name] = relL2(go.gradients.subarray(offset, offset + e.size), gt.gradients.subarray(offset, offset + e.size));
          offset += e.size;
        }
        process.stderr.write(
          `${what}: loss ${gt.lossSum.toFixed(5)} (onnx ${go.lossSum.toFixed(5)}); gradient parity (relative L2 per tensor): ${JSON.stringify(rel)}\n`,
        );
        for (const [name, r] of Object.entries(rel)) expect([name, r <= GRAD_REL_TOL]).toEqual([name, true]);
        expect(norm(gt.gradients)).toBeGreaterThan(0);
        const loss = spec.loss === undefined ? '' : typeof spec.loss === 'string' ? spec.loss : spec.loss.name;
        for (const r of [onnx, tfjs]) {
          const m = await r.evaluate(batch);
          const expected = lossFromPredictions(loss, await r.predict(batch), y);
          expect(Math.abs(m.lossSum - expected) / expected).toBeLessThanOrEqual(1e-5);
          // the same predictions against the truncated targets give another loss: the fractions were used
          const truncated = lossFromPredictions(loss, await r.predict(batch), Float32Array.from(y, Math.trunc));
          expect(Math.abs(truncated - m.lossSum) / m.lossSum).toBeGreaterThan(1e-3);
        }
      } finally {
        await Promise.all(replicas.map((r) => r.dispose()));
      }
    },
    120_000,
  );

  it('an Int32Array batch still feeds a regression model on both backends (converted to float32)', async () => {
    const spec = parseModelSpec(mlp('linear', 'meanSquaredError'));
    const onnx = await createOnnxBackend().createReplica(spec, { seed: 3 });
    const tfjs = await createTfjsBackend({ candidates: ['wasm'] }).createReplica(spec, { seed: 3 });
    try {
      const ints = realBatch(16, spec.inputShape, (y) => y);
      const asFloat: Batch = { ...ints, y: Float32Array.from(ints.y) };
      for (const r of [onnx, tfjs]) expect((await r.evaluate(ints)).lossSum).toBeCloseTo((await r.evaluate(asFloat)).lossSum, 3);
    } finally {
      await Promise.all([onnx.dispose(), tfjs.dispose()]);
    }
  }, 120_000);
});
