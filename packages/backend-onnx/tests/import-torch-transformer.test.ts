/**
 * Issue 17: a PyTorch transformer encoder (nn.TransformerEncoderLayer x2, pre-norm, gelu; fixture
 * and reference from tools/fixtures/onnx/make_torch_transformer.py) imports as a training
 * candidate: its LayerNormalization nodes are expanded, its packed attention projection is split
 * by Slice (bounds PyTorch computes from shapes, read by probing), batched MatMul, Softmax, Erf,
 * Transpose, Concat and ReduceMean(keepdims=0) are differentiated; predictions equal PyTorch's
 * within 1e-5 and the summed loss and every parameter's gradient within 1e-4 relative (L2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Batch } from '@syncline/core';
import { importOnnxModel } from '../src/index';

const FIXTURE = join(__dirname, 'fixtures', 'torch-transformer.onnx');
const REF = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'torch-transformer.json'), 'utf8')) as {
  x: number[];
  y: number[];
  logits: number[];
  lossSum: number;
  grads: Record<string, number[]>;
};

function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-12);
}

describe('PyTorch transformer encoder, imported', () => {
  it('predicts and differentiates as PyTorch', async () => {
    const model = await importOnnxModel(readFileSync(FIXTURE), { source: FIXTURE });
    expect(model.inputShape).toEqual([28, 28]);
    const replica = await model.createReplica();
    try {
      const n = REF.y.length;
      const batch: Batch = { x: Float32Array.from(REF.x), y: Int32Array.from(REF.y), size: n, exampleShape: model.inputShape };
      const probs = await replica.predict(batch);
      for (let i = 0; i < n; i++) {
        const row = REF.logits.slice(i * 10, i * 10 + 10);
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((a, c) => a + c, 0);
        for (let k = 0; k < 10; k++) expect(Math.abs(probs[i * 10 + k]! - e[k]! / s)).toBeLessThan(1e-5);
      }
      const g = await replica.computeGradients(batch);
      expect(Math.abs(g.lossSum - REF.lossSum) / REF.lossSum).toBeLessThan(1e-4);
      const rel: Record<string, number> = {};
      let offset = 0;
      for (const e of model.layout.entries.filter((x) => x.trainable)) {
        expect([e.name, REF.grads[e.name]?.length]).toEqual([e.name, e.size]);
        rel[e.name] = relL2(g.gradients.subarray(offset, offset + e.size), REF.grads[e.name]!);
        offset += e.size;
      }
      expect(Object.keys(rel).sort()).toEqual(Object.keys(REF.grads).sort());
      process.stderr.write(`torch transformer gradients, worst relative L2 vs PyTorch: ${Math.max(...Object.values(rel)).toExponential(2)}\n`);
      for (const [name, r] of Object.entries(rel)) expect([name, r <= 1e-4]).toEqual([name, true]);
    } finally {
      await replica.dispose();
    }
  });
});
