/**
 * The property MirroredStrategy relies on, at the backend level: R replicas that each
 * take a slice of a global batch, sum their gradients (weighted mean = sum / B) and all
 * apply it, end with the same weights as one replica on the whole batch (<= 1e-5 after
 * 10 steps), and stay bitwise identical to each other. On wasm, and on tfjs-node's
 * "tensorflow" backend when it is built (native-built.ts: skipped with a reason, or failing under CI).
 */
import type { Batch, ModelSpecInput, ReplicaProgram } from '@syncline/core';
import { parseModelSpec } from '@syncline/core';
import { conformanceBatch } from '@syncline/core/testing';
import { TfjsBackend, silentLogger, type TfjsCandidate } from '../src/index';
import { nativeBuiltOrSay } from './native-built';

const STEPS = 10;
const GLOBAL_BATCH = 12;
const MAX_ABS_DIFF = 1e-5;
const SPEC: ModelSpecInput = {
  inputShape: [6, 6, 1],
  layers: [
    { type: 'conv2d', filters: 3, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
  optimizer: { name: 'adam', learningRate: 0.01 },
};

function slice(b: Batch, from: number, to: number): Batch {
  const per = b.exampleShape.reduce((p, q) => p * q, 1);
  return { x: b.x.subarray(from * per, to * per), y: b.y.subarray(from, to), size: to - from, exampleShape: b.exampleShape };
}

const CANDIDATES: TfjsCandidate[] = nativeBuiltOrSay('data-parallel-equivalence.test') ? ['wasm', 'node'] : ['wasm'];

describe.each(CANDIDATES.flatMap((c) => [2, 3, 4].map((r) => [c, r] as const)))('%s: %i replicas', (candidate, replicas) => {
  it(`match one replica after ${STEPS} steps and stay bitwise identical`, async () => {
    const spec = parseModelSpec(SPEC, 'equivalence CNN');
    const backend = new TfjsBackend({ candidates: [candidate], logger: silentLogger });
    const single = await backend.createReplica(spec, { seed: 5 });
    const initial = await single.getWeights();
    const group: ReplicaProgram[] = [];
    for (let r = 0; r < replicas; r++) group.push(await backend.createReplica(spec, { seed: 5, replicaId: r, numReplicas: replicas }));
    for (let s = 0; s < STEPS; s++) {
      const batch = conformanceBatch(spec, GLOBAL_BATCH, 100 + s);
      const g1 = await single.computeGradients(batch);
      await single.applyGradients(g1.gradients.map((v) => v / GLOBAL_BATCH));
      const sum = new Float32Array(single.trainableSize);
      let count = 0;
      for (let r = 0; r < replicas; r++) {
        // Uneven slices (the last replica may get fewer, or none).
        const from = Math.min(GLOBAL_BATCH, r * Math.ceil(GLOBAL_BATCH / replicas));
        const to = Math.min(GLOBAL_BATCH, (r + 1) * Math.ceil(GLOBAL_BATCH / replicas));
        const g = await group[r]!.computeGradients(slice(batch, from, to));
        g.gradients.forEach((v, i) => (sum[i]! += v));
        count += g.count;
      }
      expect(count).toBe(GLOBAL_BATCH);
      const mean = sum.map((v) => v / count);
      for (const r of group) await r.applyGradients(mean);
      const first = await group[0]!.getWeights();
      for (const r of group.slice(1)) expect(Buffer.from((await r.getWeights()).buffer).equals(Buffer.from(first.buffer))).toBe(true);
    }
    const a = await single.getWeights();
    const b = await group[0]!.getWeights();
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    expect(diff).toBeLessThanOrEqual(MAX_ABS_DIFF);
    // Training moved the weights far more than the tolerance, so the match is not vacuous.
    expect(Math.max(...a.map((v, i) => Math.abs(v - initial[i]!)))).toBeGreaterThan(1000 * MAX_ABS_DIFF);
    await Promise.all([single, ...group].map((r) => r.dispose()));
  });
});
