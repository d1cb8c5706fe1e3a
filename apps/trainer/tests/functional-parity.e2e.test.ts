/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 */
/**
 * Issue 17's parity figures for the functional spec, backend-onnx against backend-tfjs
 * (wasm), on a batch of real Fashion-MNIST images: for a residual block (conv, batch
 * normalisation, add, global average pooling), a branchy model (concatenate, multiply,
 * reshape, batch normalisation of a sequence, layer normalisation, gelu), a transformer
 * encoder block with cross-attention (dense on sequences, position embedding,
 * multi-head attention, global average pooling 1d), a sequence model (conv1d, permute,
 * softmax along an axis), an embedding of pixels as gray-level tokens (also through
 * self-attention masking the black ones as padding), and each new loss, the same seed gives bit-identical
 * initial weights; gradients of the summed loss agree per tensor within 1e-4 relative (L2);
 * the loss sums agree within 1e-4 relative; after one step the BatchNormalization moving
 * statistics agree within 1e-5, and onnx's weights loaded into a fresh tfjs replica give the
 * same inference loss (moving statistics travel in the flat layout, as in checkpoints).
 */
import { parseModelSpec, type ModelSpecInput, type ReplicaProgram } from '@syncline/core';
import { createOnnxBackend } from '@syncline/backend-onnx';
import { createTfjsBackend } from '@syncline/backend-tfjs';
import { bitwiseEqual } from './helpers';
import { BRANCHES, denseHead, grayLevel, MASKED_ATTENTION, norm, realBatch, relL2, RESIDUAL, SEQUENCE_CONV, TOKENS, TRANSFORMER } from './parity-models';

const GRAD_REL_TOL = 1e-4;
const STATE_TOL = 1e-5;
/** A tensor's gradient counts as zero below this share of the whole gradient's L2 norm. */
const ZERO_GRADIENT = 1e-6;

const mlp = denseHead;

// Every row has four entries: jest hands a test function with more parameters than its row a `done` callback.
const CASES: [string, ModelSpecInput, (label: number) => number, ((pixel: number) => number) | undefined][] = [
  ['residual block, sparse CE', RESIDUAL, (y) => y, undefined],
  ['embedding of gray-level tokens, sparse CE', TOKENS, (y) => y, grayLevel],
  ['self-attention with a padding mask over the tokens, sparse CE', MASKED_ATTENTION, (y) => y, grayLevel],
  ['transformer block + cross-attention, sparse CE', TRANSFORMER, (y) => y, undefined],
  ['conv1d, permute, softmax along axes, sparse CE', SEQUENCE_CONV, (y) => y, undefined],
  ['branches, categorical CE from logits', { ...BRANCHES, loss: 'categoricalCrossentropy' }, (y) => y, undefined],
  ['binary CE, fused sigmoid', mlp(1, 'sigmoid', 'binaryCrossentropy'), (y) => (y >= 5 ? 1 : 0), undefined],
  ['binary CE from logits', mlp(1, 'linear', { name: 'binaryCrossentropy', fromLogits: true }), (y) => y % 2, undefined],
  ['binary CE from probabilities', mlp(1, 'linear', { name: 'binaryCrossentropy', fromLogits: false }), (y) => y % 2, undefined],
  ['categorical CE from probabilities', mlp(10, 'sigmoid', { name: 'categoricalCrossentropy', fromLogits: false }), (y) => y, undefined],
  ['mean squared error', mlp(1, 'linear', 'meanSquaredError'), (y) => y, undefined],
  ['mean absolute error', mlp(1, 'relu', 'meanAbsoluteError'), (y) => y, undefined],
];

describe('functional specs: backend-onnx against backend-tfjs', () => {
  it.each(CASES)(
    '%s: identical initial weights, gradients within 1e-4 relative per tensor, equal moving statistics',
    async (what, input, label, pixel) => {
      const spec = parseModelSpec(input);
      const replicas: ReplicaProgram[] = [
        await createOnnxBackend().createReplica(spec, { seed: 4 }),
        await createTfjsBackend({ candidates: ['wasm'] }).createReplica(spec, { seed: 4 }),
      ];
      try {
        const [onnx, tfjs] = replicas as [ReplicaProgram, ReplicaProgram];
        expect(onnx.layout).toEqual(tfjs.layout);
        expect(bitwiseEqual(await onnx.getWeights(), await tfjs.getWeights())).toBe(true);
        const batch = realBatch(32, spec.inputShape, label, pixel);
        const [go, gt] = [await onnx.computeGradients(batch), await tfjs.computeGradients(batch)];
        expect(Math.abs(go.lossSum - gt.lossSum) / Math.abs(gt.lossSum)).toBeLessThanOrEqual(GRAD_REL_TOL);
        expect(go.correct).toBe(gt.correct);
        // A tensor whose true gradient is zero (a key bias: softmax ignores a per-query constant)
        // holds rounding noise only; it is compared against the whole gradient's norm instead.
        const whole = norm(gt.gradients);
        const rel: Record<string, number> = {};
        const zero: string[] = [];
        let offset = 0;
        for (const e of onnx.layout.entries.filter((x) => x.trainable)) {
          const [a, b] = [go.gradients.subarray(offset, offset + e.size), gt.gradients.subarray(offset, offset + e.size)];
          offset += e.size;
          if (norm(b) <= ZERO_GRADIENT * whole && norm(a) <= ZERO_GRADIENT * whole) zero.push(e.name);
          else rel[e.name] = relL2(a, b);
        }
        process.stderr.write(
          `${what}: loss ${gt.lossSum.toFixed(4)}; gradient parity (relative L2 per tensor): ${JSON.stringify(rel)}; zero: ${zero.join(', ') || 'none'}\n`,
        );
        for (const [name, r] of Object.entries(rel)) expect([name, r <= GRAD_REL_TOL]).toEqual([name, true]);
        expect(Object.keys(rel).length).toBeGreaterThan(zero.length);
        const [wo, wt] = [await onnx.getWeights(), await tfjs.getWeights()];
        for (const e of onnx.layout.entries.filter((x) => !x.trainable)) {
          const a = wo.subarray(e.offset, e.offset + e.size);
          const b = wt.subarray(e.offset, e.offset + e.size);
          expect([e.name, a.every((v, i) => Math.abs(v - b[i]!) <= STATE_TOL)]).toEqual([e.name, true]);
          expect([e.name, 'moved', a.some((v) => v !== (e.name.endsWith('variance') ? 1 : 0))]).toEqual([e.name, 'moved', true]);
        }
        const [eo, et] = [await onnx.evaluate(batch), await tfjs.evaluate(batch)];
        expect(Math.abs(eo.lossSum - et.lossSum) / Math.abs(et.lossSum)).toBeLessThanOrEqual(GRAD_REL_TOL);
        // A checkpoint moves between backends: onnx's weights (moving statistics included) in a fresh tfjs replica infer alike.
        const moved = await createTfjsBackend({ candidates: ['wasm'] }).createReplica(spec, { seed: 99 });
        replicas.push(moved);
        await moved.setWeights(wo);
        const em = await moved.evaluate(batch);
        expect(Math.abs(em.lossSum - eo.lossSum) / Math.abs(eo.lossSum)).toBeLessThanOrEqual(GRAD_REL_TOL);
      } finally {
        await Promise.all(replicas.map((r) => r.dispose()));
      }
    },
    120_000,
  );
});
