/**
 * The onnx backend on core's presets and small custom specs: full-model gradients vs central
 * finite differences of the eval graph's summed loss, empty batches, weights round trip,
 * predictions, optimizer state, and a short training run that lowers the loss.
 */
import { parseModelSpec, presetModelSpec, type Batch, type ModelSpecInput } from '@syncline/core';
import { createOnnxBackend } from '../src/index';
import { seededUniform } from './helpers/grad-check';

function batchFor(shape: number[], n: number, classes: number, seed: number): Batch {
  const per = shape.reduce((a, c) => a * c, 1);
  const y = new Int32Array(n).map((_, i) => (i * 7 + seed) % classes);
  return { x: seededUniform(n * per, seed, 0, 1), y, size: n, exampleShape: shape };
}

async function fdCheck(input: ModelSpecInput, n: number, samples: number): Promise<number> {
  const spec = parseModelSpec(input, 'test');
  const replica = await createOnnxBackend().createReplica(spec, { seed: 3 });
  try {
    const batch = batchFor(spec.inputShape, n, 10, 5);
    const { gradients } = await replica.computeGradients(batch);
    const w = await replica.getWeights();
    const eps = 1e-2;
    let num2 = 0;
    let diff2 = 0;
    const picks = seededUniform(samples, 9, 0, w.length);
    for (const p of picks) {
      const i = Math.floor(p);
      const orig = w[i]!;
      w[i] = orig + eps;
      await replica.setWeights(w);
      const up = (await replica.evaluate(batch)).lossSum;
      w[i] = orig - eps;
      await replica.setWeights(w);
      const down = (await replica.evaluate(batch)).lossSum;
      w[i] = orig;
      const fd = (up - down) / (2 * eps);
      num2 += fd * fd;
      diff2 += (fd - gradients[i]!) ** 2;
    }
    return Math.sqrt(diff2) / Math.sqrt(num2);
  } finally {
    await replica.dispose();
  }
}

/** Float64 forward/backward of Dense(784->128, relu) -> Dense(10) -> softmax CE (summed), weights in layout order. */
function mlpReference(w: Float32Array, batch: Batch): { lossSum: number; grad: Float64Array } {
  const [I, H, K] = [784, 128, 10];
  const [oW1, oB1, oW2, oB2] = [0, I * H, I * H + H, I * H + H + H * K];
  const grad = new Float64Array(w.length);
  let lossSum = 0;
  for (let n = 0; n < batch.size; n++) {
    const x = batch.x.subarray(n * I, n * I + I);
    const h = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let s = w[oB1 + j]!;
      for (let i = 0; i < I; i++) s += x[i]! * w[oW1 + i * H + j]!;
      h[j] = Math.max(s, 0);
    }
    const z = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let s = w[oB2 + k]!;
      for (let j = 0; j < H; j++) s += h[j]! * w[oW2 + j * K + k]!;
      z[k] = s;
    }
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, c) => a + c, 0);
    const label = batch.y[n]!;
    lossSum += -(z[label]! - m - Math.log(sum));
    const dz = e.map((v, k) => v / sum - (k === label ? 1 : 0));
    const dh = new Float64Array(H);
    for (let k = 0; k < K; k++) {
      grad[oB2 + k]! += dz[k]!;
      for (let j = 0; j < H; j++) {
        grad[oW2 + j * K + k]! += h[j]! * dz[k]!;
        dh[j]! += w[oW2 + j * K + k]! * dz[k]!;
      }
    }
    for (let j = 0; j < H; j++) {
      if (h[j]! <= 0) continue;
      grad[oB1 + j]! += dh[j]!;
      for (let i = 0; i < I; i++) grad[oW1 + i * H + j]! += x[i]! * dh[j]!;
    }
  }
  return { lossSum, grad };
}

describe('onnx backend replica', () => {
  it('MLP preset gradients equal a float64 reference written here (rel err <= 1e-4)', async () => {
    const spec = presetModelSpec('mlp');
    const replica = await createOnnxBackend().createReplica(spec, { seed: 3 });
    try {
      const batch = batchFor([784], 8, 10, 5);
      const got = await replica.computeGradients(batch);
      const ref = mlpReference(await replica.getWeights(), batch);
      expect(got.lossSum).toBeCloseTo(ref.lossSum, 3);
      let diff2 = 0;
      let ref2 = 0;
      for (let i = 0; i < ref.grad.length; i++) {
        diff2 += (got.gradients[i]! - ref.grad[i]!) ** 2;
        ref2 += ref.grad[i]! ** 2;
      }
      expect(Math.sqrt(diff2 / ref2)).toBeLessThanOrEqual(1e-4);
    } finally {
      await replica.dispose();
    }
  });

  it('conv "same" stride 2 + avg pool + tanh/sigmoid + dense, NHWC input', async () => {
    const rel = await fdCheck(
      {
        inputShape: [9, 8, 2],
        layers: [
          { type: 'conv2d', filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' },
          { type: 'averagePool2d', poolSize: 2, padding: 'same' },
          { type: 'conv2d', filters: 4, kernelSize: [2, 1], activation: 'sigmoid' },
          { type: 'maxPool2d', poolSize: 1 },
          { type: 'flatten' },
          { type: 'dense', units: 10, activation: 'softmax' },
        ],
      },
      4,
      60,
    );
    expect(rel).toBeLessThanOrEqual(1e-2);
  });

  it('CNN preset: shapes, empty batch, predictions, metrics', async () => {
    const spec = presetModelSpec('cnn');
    const replica = await createOnnxBackend().createReplica(spec, { seed: 1 });
    try {
      expect(replica.trainableSize).toBe(replica.layout.totalSize);
      const empty = await replica.computeGradients({ x: new Float32Array(0), y: new Int32Array(0), size: 0, exampleShape: [28, 28, 1] });
      expect(empty.count).toBe(0);
      expect(empty.gradients.length).toBe(replica.trainableSize);
      expect(empty.gradients.every((v) => v === 0)).toBe(true);
      const batch = batchFor([28, 28, 1], 6, 10, 2);
      const g = await replica.computeGradients(batch);
      expect(g.count).toBe(6);
      expect(g.gradients.length).toBe(replica.trainableSize);
      expect(g.lossSum).toBeGreaterThan(0);
      const ev = await replica.evaluate(batch);
      expect(ev.lossSum).toBeCloseTo(g.lossSum, 3);
      expect(ev.correct).toBe(g.correct);
      const probs = await replica.predict(batch);
      expect(probs.length).toBe(60);
      for (let i = 0; i < 6; i++) expect(probs.subarray(i * 10, i * 10 + 10).reduce((a, c) => a + c, 0)).toBeCloseTo(1, 5);
      await expect(replica.computeGradients({ ...batch, y: new Int32Array(6).fill(10) })).rejects.toThrow(/label 10 of example 0/);
    } finally {
      await replica.dispose();
    }
    await expect(replica.evaluate(batchFor([28, 28, 1], 1, 10, 1))).rejects.toThrow(/disposed/);
  });

  it('same seed gives the same weights; setWeights round-trips; wrong lengths throw', async () => {
    const spec = presetModelSpec('mlp');
    const backend = createOnnxBackend();
    const a = await backend.createReplica(spec, { seed: 42 });
    const b = await backend.createReplica(spec, { seed: 42, replicaId: 1 });
    const c = await backend.createReplica(spec, { seed: 43 });
    try {
      const wa = await a.getWeights();
      expect(same(await b.getWeights(), wa)).toBe(true);
      expect(same(await c.getWeights(), wa)).toBe(false);
      await c.setWeights(wa);
      expect(same(await c.getWeights(), wa)).toBe(true);
      await expect(c.setWeights(new Float32Array(3))).rejects.toThrow(/setWeights got 3 values/);
      await expect(c.applyGradients(new Float32Array(3))).rejects.toThrow(/3 gradient values/);
    } finally {
      await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
    }
  });

  it.each(['adam', 'sgd', 'momentum', 'rmsprop'] as const)('%s lowers the loss on a fixed batch; state round-trips', async (name) => {
    const spec = parseModelSpec(
      { ...presetModelSpec('mlp'), inputShape: [20], optimizer: { name, learningRate: name === 'sgd' ? 0.5 : name === 'momentum' ? 0.1 : 0.01 } },
      'test',
    );
    const backend = createOnnxBackend();
    const r = await backend.createReplica(spec, { seed: 7 });
    const twin = await backend.createReplica(spec, { seed: 7 });
    try {
      const batch = batchFor([20], 32, 10, 4);
      const first = (await r.evaluate(batch)).lossSum;
      for (let i = 0; i < 20; i++) {
        const g = await r.computeGradients(batch);
        await r.applyGradients(g.gradients.map((v) => v / batch.size));
      }
      expect((await r.evaluate(batch)).lossSum).toBeLessThan(first * 0.8);
      // Moving weights and optimizer state to a twin makes the next update identical.
      const state = await r.exportOptimizerState();
      expect(state.name).toBe(name);
      expect(state.step).toBe(20);
      await twin.setWeights(await r.getWeights());
      await twin.importOptimizerState(state);
      const g = await r.computeGradients(batch);
      const mean = g.gradients.map((v) => v / batch.size);
      await r.applyGradients(mean);
      await twin.applyGradients(mean);
      expect(same(await twin.getWeights(), await r.getWeights())).toBe(true);
    } finally {
      await Promise.all([r.dispose(), twin.dispose()]);
    }
  });
});

function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('batches in shared memory', () => {
  it('SharedArrayBuffer-backed features and labels (the shared-memory pipeline) give the same gradients', async () => {
    const r = await createOnnxBackend().createReplica(presetModelSpec('mlp'), { seed: 1 });
    try {
      const plain = batchFor([784], 4, 10, 3);
      const x = new Float32Array(new SharedArrayBuffer(plain.x.byteLength + 8), 8, plain.x.length);
      const y = new Int32Array(new SharedArrayBuffer(plain.y.byteLength));
      x.set(plain.x);
      y.set(plain.y);
      const a = await r.computeGradients(plain);
      const b = await r.computeGradients({ ...plain, x, y });
      expect(b.lossSum).toBe(a.lossSum);
      expect(same(a.gradients, b.gradients)).toBe(true);
      expect((await r.evaluate({ ...plain, x, y })).lossSum).toBeCloseTo(a.lossSum, 4);
    } finally {
      await r.dispose();
    }
  });
});
