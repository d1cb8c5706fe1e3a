// The "pjrt" backend end to end on the XLA CPU plugin with 2 devices: one replicated train
// step equals a float64 reference (forward, backward, mean all-reduce, optimizer) within 1e-4
// relative, for every layer rule and optimizer; k steps per execution equal k single steps.
import { DataError, type BatchMetrics, type ModelSpec } from '@syncline/core';
import { createPjrtBackend, type PjrtBackend } from '../src/backend/pjrt-backend';
import { cnnSpec, concatBatches, maxRelDiff, mlpSpec, randomBatches } from './fixtures';
import { describeWithPlugin } from './plugin';
import { referenceGradients, referenceSlots, referenceUpdate } from './reference/reference-step';

const REPLICAS = 2;
const BATCH = 4;
const REL_TOL = 1e-4;
// Compiling the CNN modules takes seconds on a loaded 2-core machine.
const COMPILE_HEAVY_TIMEOUT_MS = 120_000;
jest.setTimeout(COMPILE_HEAVY_TIMEOUT_MS);

describeWithPlugin('pjrt backend train step (XLA CPU plugin, 2 devices)', () => {
  let backend: PjrtBackend;
  beforeAll(() => {
    backend = createPjrtBackend({ deviceCount: REPLICAS });
  });
  afterAll(() => backend.close());

  const cases: [string, ModelSpec][] = [
    ['mlp + sgd', mlpSpec({ name: 'sgd', learningRate: 0.1 })],
    ['mlp + adam', mlpSpec({ name: 'adam' })],
    ['mlp + rmsprop with momentum', mlpSpec({ name: 'rmsprop', learningRate: 0.01, momentum: 0.5 })],
    ['cnn + momentum (nesterov)', cnnSpec({ name: 'momentum', learningRate: 0.05, nesterov: true })],
    ['cnn + adam', cnnSpec({ name: 'adam', learningRate: 0.01 })],
  ];

  it.each(cases)('%s: one step equals the float64 reference', async (_name, spec) => {
    const prog = await backend.compile(spec, { numReplicas: REPLICAS, perReplicaBatch: BATCH, stepsPerExecution: 1, seed: 7 });
    try {
      const w0 = await prog.getWeights();
      const batches = randomBatches(spec, REPLICAS, BATCH, 11);
      const [metrics] = await prog.trainSteps({ steps: 1, batches: [batches] });
      const w1 = await prog.getWeights();
      const { x, y } = concatBatches(batches);
      const ref = referenceGradients(spec, Float64Array.from(w0), x, y);
      const mean = ref.grads.map((g) => g / (REPLICAS * BATCH));
      const next = referenceUpdate(spec, { weights: Float64Array.from(w0), slots: referenceSlots(spec, w0.length), t: 0 }, mean);
      expect(Math.abs(metrics!.lossSum - ref.lossSum) / ref.lossSum).toBeLessThan(REL_TOL);
      expect(metrics!.correct).toBe(ref.correct);
      expect(metrics!.count).toBe(REPLICAS * BATCH);
      // The update itself (w1 - w0), not just w1, must match: it is what carries the gradient.
      const delta = w1.map((v, i) => v - w0[i]!);
      const refDelta = next.weights.map((v, i) => v - w0[i]!);
      expect(maxRelDiff(delta, refDelta)).toBeLessThan(REL_TOL);
      const state = await prog.exportOptimizerState();
      expect(state.step).toBe(1);
      for (const [slot, values] of Object.entries(next.slots)) expect(maxRelDiff(state.slots[slot]!, values)).toBeLessThan(REL_TOL);
    } finally {
      await prog.dispose();
    }
  });

  it('stepsPerExecution = 3 equals 3 single-step executions', async () => {
    const spec = cnnSpec({ name: 'adam', learningRate: 0.01 });
    const opts = { numReplicas: REPLICAS, perReplicaBatch: BATCH, seed: 3 };
    const fused = await backend.compile(spec, { ...opts, stepsPerExecution: 3 });
    const single = await backend.compile(spec, { ...opts, stepsPerExecution: 1 });
    try {
      const steps = [0, 1, 2].map((s) => randomBatches(spec, REPLICAS, BATCH, 100 + s));
      const fusedMetrics = await fused.trainSteps({ steps: 3, batches: steps });
      const singleMetrics: BatchMetrics[] = [];
      for (const batches of steps) singleMetrics.push(...(await single.trainSteps({ steps: 1, batches: [batches] })));
      fusedMetrics.forEach((m, s) => {
        expect(Math.abs(m.lossSum - singleMetrics[s]!.lossSum)).toBeLessThan(1e-5 * singleMetrics[s]!.lossSum);
        expect(m.correct).toBe(singleMetrics[s]!.correct);
      });
      expect(maxRelDiff(await fused.getWeights(), await single.getWeights())).toBeLessThan(1e-5);
      expect((await fused.exportOptimizerState()).step).toBe(3);
    } finally {
      await fused.dispose();
      await single.dispose();
    }
  });

  it('refuses a partial batch with a DataError that names the remedy', async () => {
    const spec = mlpSpec({ name: 'sgd' });
    const prog = await backend.compile(spec, { numReplicas: REPLICAS, perReplicaBatch: BATCH, stepsPerExecution: 1, seed: 1 });
    try {
      const batches = [randomBatches(spec, 1, BATCH, 1)[0]!, randomBatches(spec, 1, BATCH - 1, 2)[0]!];
      const err = await prog.trainSteps({ steps: 1, batches: [batches] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(String((err as Error).message)).toMatch(/replica 1: batch of 3 examples.*static per-replica batch of 4.*dropRemainder.*virtual epoch/);
    } finally {
      await prog.dispose();
    }
  });
});
