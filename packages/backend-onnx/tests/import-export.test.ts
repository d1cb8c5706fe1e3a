/**
 * Import/export round trip on a PyTorch-exported CNN (tests/fixtures/torch-small-cnn.onnx,
 * made by tools/fixtures/onnx/make_torch_cnn.py): imported predictions equal the original
 * model's; fine-tuning lowers the loss; the exported inference model reproduces the
 * replica's predictions in onnxruntime-node and in Python onnxruntime (skipped with a
 * printed reason when no Python has onnxruntime). Unsupported ops fail before training.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { addMetricSums, metricLayout, presetModelSpec, UnsupportedOperationError, type Batch, type MetricSpec } from '@syncline/core';
import { createOnnxBackend, exportSpecInference, importOnnxModel, GraphBuilder, encodeModel, floatTensor } from '../src/index';
import { seededUniform } from './helpers/grad-check';

const FIXTURE = join(__dirname, 'fixtures', 'torch-small-cnn.onnx');
const PYTHONS = ['python3', '/usr/bin/python3'];
const N = 16;

function batch(shape: number[]): Batch {
  const per = shape.reduce((a, c) => a * c, 1);
  return { x: seededUniform(N * per, 11, 0, 1), y: Int32Array.from({ length: N }, (_, i) => (i * 3) % 10), size: N, exampleShape: shape };
}

async function ortPredict(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes);
  try {
    const out = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', x, dims) });
    return out[s.outputNames[0]!]!.data as Float32Array;
  } finally {
    await s.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Python onnxruntime predictions, or a reason why none could be made. */
function pythonPredict(model: Uint8Array, x: Float32Array, dims: number[]): { probs?: Float32Array; why?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-py-'));
  try {
    writeFileSync(join(dir, 'm.onnx'), model);
    writeFileSync(join(dir, 'x.bin'), x);
    const reasons: string[] = [];
    for (const py of PYTHONS) {
      const r = spawnSync(py, [join(__dirname, 'helpers', 'ort_predict.py'), join(dir, 'm.onnx'), join(dir, 'x.bin'), dims.join(','), join(dir, 'y.bin')], {
        encoding: 'utf8',
      });
      if (r.status === 0) {
        const buf = readFileSync(join(dir, 'y.bin'));
        return { probs: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
      }
      reasons.push(`${py}: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`);
    }
    return { why: reasons.join('; ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ONNX import and export', () => {
  it('PyTorch CNN: import, fine-tune, export; ORT Node and Python reproduce the predictions', async () => {
    const bytes = readFileSync(FIXTURE);
    const model = await importOnnxModel(bytes, { optimizer: { name: 'adam', learningRate: 0.03 }, source: FIXTURE });
    expect(model.inputShape).toEqual([1, 28, 28]);
    expect(model.numClasses).toBe(10);
    const names = ['0.weight', '0.bias', '3.weight', '3.bias', '4.weight', '4.bias', '8.weight', '8.bias', '3.running_mean', '3.running_var'];
    expect(model.layout.entries.map((e) => e.name)).toEqual(names);
    expect(model.layout.entries.map((e) => e.trainable)).toEqual(names.map((n) => !n.includes('running')));
    const stats = model.layout.entries.find((e) => e.name === '3.running_mean')!;
    const b = batch([1, 28, 28]);
    const replica = await model.createReplica();
    try {
      // Untouched weights: the imported model predicts what the original file does.
      const logits = await ortPredict(bytes, b.x, [N, 1, 28, 28]);
      const before = await replica.predict(b);
      for (let i = 0; i < N; i++) {
        const row = logits.subarray(i * 10, i * 10 + 10);
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((a, c) => a + c, 0);
        for (let k = 0; k < 10; k++) expect(Math.abs(before[i * 10 + k]! - e[k]! / s)).toBeLessThan(1e-5);
      }
      const first = (await replica.evaluate(b)).lossSum;
      for (let s = 0; s < 25; s++) {
        const g = await replica.computeGradients(b);
        await replica.applyGradients(g.gradients.map((v) => v / N));
      }
      expect((await replica.evaluate(b)).lossSum).toBeLessThan(first * 0.8);
      // Training-mode batch norm moved the running statistics (stored as non-trainable weights).
      const w0 = model.graphs.initialWeights.subarray(stats.offset, stats.offset + stats.size);
      const w1 = (await replica.getWeights()).subarray(stats.offset, stats.offset + stats.size);
      expect(Array.from(w1)).not.toEqual(Array.from(w0));
      const trained = await replica.predict(b);
      const exported = model.exportInference(await replica.getWeights());
      expect(maxAbsDiff(await ortPredict(exported, b.x, [N, 1, 28, 28]), trained)).toBeLessThan(1e-5);
      const py = pythonPredict(exported, b.x, [N, 1, 28, 28]);
      if (py.probs) expect(maxAbsDiff(py.probs, trained)).toBeLessThan(1e-5);
      else console.log(`Python onnxruntime check skipped: ${py.why}`);
    } finally {
      await replica.dispose();
    }
  });

  it('batchNorm "frozen" keeps the running statistics fixed while the rest trains', async () => {
    const model = await importOnnxModel(readFileSync(FIXTURE), { batchNorm: 'frozen' });
    const replica = await model.createReplica();
    try {
      const b = batch([1, 28, 28]);
      const g = await replica.computeGradients(b);
      await replica.applyGradients(g.gradients.map((v) => v / N));
      const before = model.graphs.initialWeights;
      const after = await replica.getWeights();
      for (const e of model.layout.entries) {
        const changed = after.subarray(e.offset, e.offset + e.size).some((v, i) => v !== before[e.offset + i]);
        expect([e.name, changed]).toEqual([e.name, e.trainable]);
      }
    } finally {
      await replica.dispose();
    }
  });

  it("an imported model reports the spec's metrics: its sums match core's reference on its predictions", async () => {
    const metrics: MetricSpec[] = ['accuracy', { name: 'topKAccuracy', k: 3 }, 'meanAbsoluteError'];
    const model = await importOnnxModel(readFileSync(FIXTURE), { batchNorm: 'frozen', metrics });
    const replica = await model.createReplica();
    try {
      const b = batch([1, 28, 28]);
      const layout = metricLayout(metrics, 10);
      const reference = new Float64Array(layout.size);
      addMetricSums(layout, await replica.predict(b), b.y, N, 10, reference);
      for (const m of [await replica.evaluate(b), await replica.computeGradients(b)]) {
        expect(Array.from(m.sums!)).toHaveLength(layout.size);
        expect(m.sums![0]).toBe(reference[0]); // top-3 hits: a count
        expect(m.sums![1]).toBeCloseTo(reference[1]!, 5);
      }
      expect(reference[0]).toBeGreaterThan(0);
    } finally {
      await replica.dispose();
    }
  });

  // Sampled from the parameters downstream of relu/max-pool (batch norm, conv 4, linear 8),
  // whose loss is smooth, so a 1e-2 step crosses no kink; upstream ops have their own rule tests.
  it('imported model gradients match finite differences of its loss (frozen batch norm, float32, eps 1e-2)', async () => {
    const model = await importOnnxModel(readFileSync(FIXTURE), { batchNorm: 'frozen' });
    const replica = await model.createReplica();
    try {
      const b = batch([1, 28, 28]);
      const { gradients } = await replica.computeGradients(b);
      const w = await replica.getWeights();
      const eps = 1e-2;
      let num2 = 0;
      let diff2 = 0;
      const smoothFrom = model.layout.entries.find((e) => e.name === '3.weight')!.offset;
      for (const p of seededUniform(40, 5, smoothFrom, model.trainableSize)) {
        const i = Math.floor(p);
        const orig = w[i]!;
        w[i] = orig + eps;
        await replica.setWeights(w);
        const up = (await replica.evaluate(b)).lossSum;
        w[i] = orig - eps;
        await replica.setWeights(w);
        const down = (await replica.evaluate(b)).lossSum;
        w[i] = orig;
        const fd = (up - down) / (2 * eps);
        num2 += fd * fd;
        diff2 += (fd - gradients[i]!) ** 2;
      }
      expect(Math.sqrt(diff2 / num2)).toBeLessThanOrEqual(1e-2);
    } finally {
      await replica.dispose();
    }
  });

  it('spec CNN: exported inference model matches replica.predict', async () => {
    const spec = presetModelSpec('cnn');
    const replica = await createOnnxBackend().createReplica(spec, { seed: 2 });
    try {
      const b = batch([28, 28, 1]);
      const g = await replica.computeGradients(b);
      await replica.applyGradients(g.gradients.map((v) => v / N));
      const exported = await exportSpecInference(spec, await replica.getWeights());
      expect(maxAbsDiff(await ortPredict(exported, b.x, [N, 28, 28, 1]), await replica.predict(b))).toBeLessThan(1e-5);
    } finally {
      await replica.dispose();
    }
  });

  it('an op without a gradient rule on a parameter path fails at import, naming op and node', async () => {
    const gb = new GraphBuilder('bad');
    gb.addInput('input', 1, ['N', 4]);
    gb.initializers.push(floatTensor('w', [4, 3], seededUniform(12, 1)));
    const h = gb.op('MatMul', ['input', 'w']);
    gb.node('Selu', [h], ['out']);
    gb.addOutput('out', 1, ['N', 3]);
    const bytes = encodeModel(gb.toModel());
    const err = await importOnnxModel(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOperationError);
    expect((err as Error).message).toMatch(/node "Selu_1" \(Selu\) has no reverse-mode rule/);
    // Frozen parameters need no gradient: the same model imports when "w" is frozen... and has nothing to train.
    const frozen = await importOnnxModel(bytes, { freeze: ['w'] });
    expect(frozen.trainableSize).toBe(0);
  });
});
