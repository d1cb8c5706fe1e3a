// The pjrt CompiledProgram's state handling on the XLA CPU plugin: deterministic init,
// weights and optimizer state round trips, evaluate/predict against the float64
// reference, registry wiring, and 1,000 executions with flat memory (every buffer freed).
import { glorotUniformInit, Registry, parseModelSpec, weightLayoutOf, type Backend } from '@syncline/core';
import { createPjrtBackend, type PjrtBackend } from '../src/backend/pjrt-backend';
import { registerPjrtBackend } from '../src/backend/register';
import { liveBufferCount } from '../src/pjrt/buffer';
import { pendingEventCount } from '../src/pjrt/event';
import { cnnSpec, maxRelDiff, mlpSpec, randomBatches } from './fixtures';
import { describeWithPlugin, plugin } from './plugin';
import { referenceGradients } from './reference/reference-step';

jest.setTimeout(120_000);
const REPLICAS = 2;
const BATCH = 4;
/** Executions in the leak check, and the RSS growth it tolerates after warm-up. */
const LEAK_EXECUTIONS = 1000;
const LEAK_WARMUP = 100;
const LEAK_RSS_SLACK_BYTES = 24 * 1024 * 1024;

describe('glorotUniformInit', () => {
  it('is deterministic from the seed, within the Glorot limit, with zero biases', () => {
    const layout = weightLayoutOf(mlpSpec({ name: 'sgd' }));
    const a = glorotUniformInit(layout, 42);
    expect(Array.from(glorotUniformInit(layout, 42))).toEqual(Array.from(a));
    expect(Array.from(glorotUniformInit(layout, 43))).not.toEqual(Array.from(a));
    const kernel = layout.entries[0]!;
    const limit = Math.sqrt(6 / (12 + 8));
    const values = a.subarray(kernel.offset, kernel.offset + kernel.size);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(limit * 0.8);
    const bias = layout.entries[1]!;
    expect(Array.from(a.subarray(bias.offset, bias.offset + bias.size)).every((v) => v === 0)).toBe(true);
  });
});

describeWithPlugin('pjrt CompiledProgram lifecycle (XLA CPU plugin, 2 devices)', () => {
  let backend: PjrtBackend;
  beforeAll(() => {
    backend = createPjrtBackend({ deviceCount: REPLICAS });
  });
  afterAll(() => backend.close());

  it("starts from the seed's Glorot weights and evaluates/predicts like the float64 reference", async () => {
    const spec = cnnSpec({ name: 'sgd' });
    const prog = await backend.compile(spec, { numReplicas: REPLICAS, perReplicaBatch: BATCH, stepsPerExecution: 1, seed: 5 });
    try {
      const w = await prog.getWeights();
      expect(Array.from(w)).toEqual(Array.from(glorotUniformInit(prog.layout, 5)));
      const [batch] = randomBatches(spec, 1, 3, 9);
      const ref = referenceGradients(spec, Float64Array.from(w), batch!.x, batch!.y as Int32Array);
      const m = await prog.evaluate(batch!);
      expect(m.count).toBe(3);
      expect(Math.abs(m.lossSum - ref.lossSum) / ref.lossSum).toBeLessThan(1e-4);
      expect(m.correct).toBe(ref.correct);
      const probs = await prog.predict(batch!);
      expect(probs.length).toBe(3 * 5);
      for (let r = 0; r < 3; r++) expect(probs.subarray(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    } finally {
      await prog.dispose();
    }
  });

  it('round-trips weights and optimizer state: a restored program continues exactly', async () => {
    const spec = mlpSpec({ name: 'adam', learningRate: 0.01 });
    const opts = { numReplicas: REPLICAS, perReplicaBatch: BATCH, stepsPerExecution: 1 };
    const a = await backend.compile(spec, { ...opts, seed: 1 });
    const b = await backend.compile(spec, { ...opts, seed: 2 });
    try {
      const steps = [0, 1, 2].map((s) => randomBatches(spec, REPLICAS, BATCH, 50 + s));
      await a.trainSteps({ steps: 1, batches: [steps[0]!] });
      await b.setWeights(await a.getWeights());
      await b.importOptimizerState(await a.exportOptimizerState());
      expect((await b.exportOptimizerState()).step).toBe(1);
      for (const batches of steps.slice(1)) {
        const [ma] = await a.trainSteps({ steps: 1, batches: [batches] });
        const [mb] = await b.trainSteps({ steps: 1, batches: [batches] });
        expect(mb!.lossSum).toBe(ma!.lossSum);
      }
      expect(maxRelDiff(await b.getWeights(), await a.getWeights())).toBe(0);
      await expect(b.setWeights(new Float32Array(3))).rejects.toThrow(/setWeights got 3 values; the layout holds 149/);
      await expect(b.importOptimizerState({ name: 'sgd', step: 0, slots: {} })).rejects.toThrow(/optimizerState.name is "sgd"; expected "adam"/);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('is created through a Registry by name', async () => {
    const registry = new Registry<Backend>('backend');
    registerPjrtBackend(registry, { pluginPath: plugin.path!, deviceCount: REPLICAS });
    const made = await registry.create('pjrt');
    expect(made).toMatchObject({ name: 'pjrt', stepShape: 'compiled' });
    await (made as PjrtBackend).close();
  });

  it(`keeps process memory flat over ${LEAK_EXECUTIONS} executions (every buffer and event freed)`, async () => {
    const spec = parseModelSpec({ inputShape: [4], layers: [{ type: 'dense', units: 3, activation: 'softmax' }], optimizer: { name: 'sgd' } }, 'leak');
    const liveBefore = liveBufferCount();
    const prog = await backend.compile(spec, { numReplicas: REPLICAS, perReplicaBatch: 2, stepsPerExecution: 1, seed: 1 });
    const batches = randomBatches(spec, REPLICAS, 2, 3, 3);
    const run = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await prog.trainSteps({ steps: 1, batches: [batches] });
    };
    await run(LEAK_WARMUP);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const liveDuring = liveBufferCount();
    await run(LEAK_EXECUTIONS);
    global.gc?.();
    const grown = process.memoryUsage().rss - rssBefore;
    expect(liveBufferCount()).toBe(liveDuring);
    expect(pendingEventCount()).toBe(0);
    expect(grown).toBeLessThan(LEAK_RSS_SLACK_BYTES);
    await prog.dispose();
    expect(liveBufferCount()).toBe(liveBefore);
  });
});
