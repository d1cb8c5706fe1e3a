/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 *
 * Issue 17's metrics agree across backends and reduce exactly: on one batch, tfjs (wasm) and
 * onnx compute each metric's sums in their own graphs (tfjs ops, ONNX nodes); with one seed
 * both start from bit-identical weights, so their values must agree within 1e-6 relative, and
 * both must match core's plain-TypeScript reference on their own predictions. Summing the
 * vectors of two replicas that split the global batch gives the single replica's vector
 * (counts and confusion counts exactly), for train steps (computeGradients) and evaluate.
 */
import {
  addMetricSums,
  metricLayout,
  metricLogs,
  parseModelSpec,
  type BatchMetrics,
  type Batch,
  type ModelSpec,
  type ModelSpecInput,
  type OrchestratedBackend,
} from '@syncline/core';
import { conformanceBatch } from '@syncline/core/testing';
import { TfjsBackend, silentLogger } from '@syncline/backend-tfjs';
import { OnnxBackend } from '@syncline/backend-onnx';

const REL = 1e-6;
const BATCH = 48;

const CLASSIFIER: ModelSpecInput = {
  inputShape: [12],
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dense', units: 5, activation: 'softmax' },
  ],
  metrics: ['accuracy', { name: 'topKAccuracy', k: 2 }, 'meanSquaredError', 'meanAbsoluteError'],
};
const BINARY: ModelSpecInput = {
  inputShape: [12],
  layers: [
    { type: 'dense', units: 16, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
  loss: { name: 'binaryCrossentropy', fromLogits: true },
  metrics: ['auc', 'meanSquaredError', 'meanAbsoluteError'],
};
const CASES: [string, ModelSpecInput, number][] = [
  ['classifier (top-2, mse, mae)', CLASSIFIER, 5],
  ['binary from logits (auc, mse, mae)', BINARY, 2],
];

const backends = (): [string, OrchestratedBackend][] => [
  ['tfjs', new TfjsBackend({ candidates: ['wasm'], logger: silentLogger })],
  ['onnx', new OnnxBackend()],
];

function slice(b: Batch, from: number, to: number): Batch {
  const per = b.exampleShape.reduce((p, q) => p * q, 1);
  return { x: b.x.subarray(from * per, to * per), y: b.y.subarray(from, to), size: to - from, exampleShape: b.exampleShape };
}

function values(spec: ModelSpec, m: BatchMetrics): Record<string, number> {
  return { loss: m.lossSum / m.count, ...metricLogs(metricLayout(spec.metrics), m.count, m.correct, m.sums) };
}

function expectRelClose(a: Record<string, number>, b: Record<string, number>, rel: number): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(b)) {
    const tol = rel * Math.max(Math.abs(b[k]!), 1e-12);
    if (!(Math.abs(a[k]! - b[k]!) <= tol)) throw new Error(`${k}: ${a[k]} vs ${b[k]} (relative tolerance ${rel})`);
  }
}

describe.each(CASES)('metrics on %s', (_name, input, classes) => {
  const spec = parseModelSpec(input);
  const layout = metricLayout(spec.metrics);
  const batch = conformanceBatch(spec, BATCH, 31, classes);

  it('tfjs and onnx agree within 1e-6 relative, and each matches the TypeScript reference on its predictions', async () => {
    const results: Record<string, number>[] = [];
    for (const [name, backend] of backends()) {
      const replica = await backend.createReplica(spec, { seed: 9 });
      try {
        const evaluated = await replica.evaluate(batch);
        const trained = await replica.computeGradients(batch);
        // no dropout: the train forward is the eval forward
        expectRelClose(values(spec, trained), values(spec, evaluated), REL);
        const preds = await replica.predict(batch);
        const reference = new Float64Array(layout.size);
        addMetricSums(layout, preds, batch.y, batch.size, preds.length / batch.size, reference);
        expect(evaluated.sums).toHaveLength(layout.size);
        expectRelClose(metricLogs(layout, BATCH, 0, evaluated.sums), metricLogs(layout, BATCH, 0, reference), REL);
        results.push(values(spec, evaluated));
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      } finally {
        await replica.dispose();
      }
    }
    expectRelClose(results[0]!, results[1]!, REL);
    // the metrics are not degenerate: something to agree on
    const auc = results[0]!.auc;
    if (auc !== undefined) expect(auc).toBeGreaterThan(0.05);
    if (results[0]!.topKAccuracy !== undefined) expect(results[0]!.topKAccuracy).toBeGreaterThan(0);
  }, 60_000);

  it.each(['tfjs', 'onnx'])(
    '%s: two replicas splitting the batch sum to the single replica exactly',
    async (which) => {
      const backend = backends().find(([n]) => n === which)![1];
      const single = await backend.createReplica(spec, { seed: 9 });
      const pair = [
        await backend.createReplica(spec, { seed: 9, replicaId: 0, numReplicas: 2 }),
        await backend.createReplica(spec, { seed: 9, replicaId: 1, numReplicas: 2 }),
      ];
      try {
        for (const step of ['evaluate', 'computeGradients'] as const) {
          const whole = await single[step](batch);
          const wholeSums = Float32Array.from(whole.sums!);
          const reduced = new Float32Array(layout.size);
          let count = 0;
          let correct = 0;
          for (const [r, [from, to]] of [
            [0, 29],
            [29, BATCH],
          ].entries()) {
            const m = await pair[r]![step](slice(batch, from!, to!));
            m.sums!.forEach((v, i) => (reduced[i] = reduced[i]! + v));
            count += m.count;
            correct += m.correct;
          }
          expect(count).toBe(BATCH);
          expect(correct).toBe(whole.correct);
          for (const s of layout.slots) {
            const a = reduced.subarray(s.offset, s.offset + s.length);
            const b = wholeSums.subarray(s.offset, s.offset + s.length);
            // counts are integers in float32: exact; sums of errors may round differently in the last bit
            if (s.kind === 'auc' || s.kind === 'topK') expect(Array.from(a)).toEqual(Array.from(b));
            else expect(Math.abs(a[0]! - b[0]!)).toBeLessThanOrEqual(1e-6 * Math.abs(b[0]!));
          }
          expectRelClose(metricLogs(layout, count, correct, reduced), metricLogs(layout, BATCH, whole.correct, wholeSums), REL);
        }
      } finally {
        await Promise.all([single, ...pair].map((r) => r.dispose()));
      }
    },
    60_000,
  );
});
