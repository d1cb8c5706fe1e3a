/**
 * Issue 17: a PyTorch ResNet block (conv + BatchNorm + residual add + global average pooling,
 * fixture and its reference made by tools/fixtures/onnx/make_torch_resnet.py) imports as a
 * training candidate: eval-mode predictions equal PyTorch's within 1e-5, and the train-mode
 * (batch statistics) summed loss and every parameter's gradient equal PyTorch's within 1e-4
 * relative (L2), looked up by the ONNX initializer name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Batch } from '@syncline/core';
import { importOnnxModel } from '../src/index';

const FIXTURE = join(__dirname, 'fixtures', 'torch-resnet-block.onnx');
const REF = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'torch-resnet-block.json'), 'utf8')) as {
  x: number[];
  y: number[];
  evalLogits: number[];
  trainLossSum: number;
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

describe('PyTorch ResNet block, imported', () => {
  it('predicts as PyTorch (eval) and trains with PyTorch gradients (train-mode BatchNorm)', async () => {
    const model = await importOnnxModel(readFileSync(FIXTURE), { source: FIXTURE });
    const replica = await model.createReplica();
    try {
      const n = REF.y.length;
      const batch: Batch = { x: Float32Array.from(REF.x), y: Int32Array.from(REF.y), size: n, exampleShape: model.inputShape };
      const probs = await replica.predict(batch);
      for (let i = 0; i < n; i++) {
        const row = REF.evalLogits.slice(i * 10, i * 10 + 10);
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((a, c) => a + c, 0);
        for (let k = 0; k < 10; k++) expect(Math.abs(probs[i * 10 + k]! - e[k]! / s)).toBeLessThan(1e-5);
      }
      const g = await replica.computeGradients(batch);
      expect(Math.abs(g.lossSum - REF.trainLossSum) / REF.trainLossSum).toBeLessThan(1e-4);
      const rel: Record<string, number> = {};
      let offset = 0;
      for (const e of model.layout.entries.filter((x) => x.trainable)) {
        const want = REF.grads[e.name];
        expect([e.name, want?.length]).toEqual([e.name, e.size]);
        rel[e.name] = relL2(g.gradients.subarray(offset, offset + e.size), want!);
        offset += e.size;
      }
      expect(Object.keys(rel).sort()).toEqual(Object.keys(REF.grads).sort());
      process.stderr.write(`torch ResNet block gradients, relative L2 vs PyTorch: ${JSON.stringify(rel)}\n`);
      for (const [name, r] of Object.entries(rel)) expect([name, r <= 1e-4]).toEqual([name, true]);
    } finally {
      await replica.dispose();
    }
  });
});
