/**
 * The conformance suite every orchestrated backend runs (`describeBackendConformance`):
 * what the strategy relies on, checked against the float64 reference interpreter.
 *
 * 1. layout: replica.layout is weightLayoutOf(spec); trainableSize is its trainable total.
 * 2. seed: the same seed gives identical weights; another seed gives different ones.
 * 3. weights: setWeights then getWeights returns the same bits.
 * 4. gradients (tiny MLP; tiny CNN with stride 2, 'same'/'valid', max and average
 *    pooling): the gradient of the SUMMED loss matches float64 central differences
 *    (|g - ref| <= 1e-4 + 1e-3 |ref|), lossSum matches the reference (rel 1e-4).
 * 5. evaluate / predict: counts, correct, lossSum and probabilities match the reference.
 * 6. empty batch: zero gradients, lossSum 0, count 0; evaluate and predict likewise.
 * 7. optimizers: applyGradients follows OPTIMIZER formulas (reference-optimizers file),
 *    with epsilons large enough to pin where epsilon goes.
 * 8. optimizer state: export after 2 steps, import into a fresh replica with the same
 *    weights, 2 more identical steps: bitwise identical weights; slot names canonical.
 * 9. dropout: the same (seed, replicaId) gives the same masks; inference ignores dropout.
 * 10. sharded updates (backends declaring `shardedUpdate`): applyGradientsRange over a
 *    partition, one part per replica, merged through trainableWeights(), gives the bits
 *    applyGradients gives, step after step, for every optimizer.
 * Every skipped check is listed with its reason in the test title.
 */
import type { OrchestratedBackend } from '../contracts/backend';
import type { Batch } from '../contracts/batch';
import type { ReplicaProgram } from '../contracts/replica-program';
import { parseModelSpec } from '../model/parse-model-spec';
import type { ModelSpec, ModelSpecInput, OptimizerSpec } from '../spec/model-spec';
import { weightLayoutOf } from '../model/weight-layout-of';
import { referenceGradient, referenceLossSum, referenceProbabilities } from './backend-conformance-reference-model';
import { OPTIMIZER_SLOT_NAMES, referenceOptimizerRun } from './backend-conformance-reference-optimizers';

export type BackendConformanceCheck =
  | 'layout'
  | 'seed'
  | 'weights'
  | 'gradients'
  | 'convGradients'
  | 'evaluate'
  | 'predict'
  | 'emptyBatch'
  | 'optimizers'
  | 'optimizerState'
  | 'dropout'
  | 'shardedUpdate';

export interface BackendConformanceOptions {
  /** Checks not to run, each with the reason printed in its title. */
  readonly skip?: Partial<Record<BackendConformanceCheck, string>>;
  /** The backend implements applyGradientsRange and trainableWeights (checked when true). */
  readonly shardedUpdate?: boolean;
  /** Per-test timeout in ms (default 30,000). */
  readonly timeoutMs?: number;
}

const GRAD_ABS_TOL = 1e-4;
const GRAD_REL_TOL = 1e-3;
const LOSS_REL_TOL = 1e-4;
const PROB_ABS_TOL = 1e-5;
const OPT_TOL = 1e-5;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Tiny models; tanh/sigmoid (no kinks) so finite differences are well defined. */
export const CONFORMANCE_MLP: ModelSpecInput = {
  inputShape: [4],
  layers: [
    { type: 'dense', units: 5 },
    { type: 'activation', activation: 'tanh' },
    { type: 'dense', units: 4, activation: 'sigmoid' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
  optimizer: { name: 'sgd', learningRate: 0.1 },
};
export const CONFORMANCE_CNN: ModelSpecInput = {
  inputShape: [8, 8, 2],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' },
    { type: 'averagePool2d', poolSize: 2, strides: 1 },
    { type: 'conv2d', filters: 3, kernelSize: 2, activation: 'sigmoid' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
};
const OPTIMIZER_CASES: OptimizerSpec[] = [
  { name: 'sgd', learningRate: 0.05 },
  { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: false },
  { name: 'momentum', learningRate: 0.05, momentum: 0.8, nesterov: true },
  { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 0.1 },
  { name: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 0.1 },
];

/** Deterministic values in [-1, 1) (xorshift32), so failures reproduce. */
export function conformanceValues(n: number, seed: number): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 0x1_0000_0000) * 2 - 1;
  });
}

/** A batch of `size` examples for `spec` with labels in [0, classes). */
export function conformanceBatch(spec: ModelSpec, size: number, seed: number, classes = 3): Batch {
  const per = spec.inputShape.reduce((a, b) => a * b, 1);
  const labels = conformanceValues(size, seed + 1);
  return {
    x: conformanceValues(size * per, seed),
    y: Int32Array.from(labels, (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes))),
    size,
    exampleShape: spec.inputShape,
  };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, abs: number, rel: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
      throw new Error(`${what}[${i}] is ${a}, expected ${e} (tolerance ${abs} + ${rel} * |expected|)`);
    }
  }
}

/**
 * Registers the suite under `describe("backend conformance: <name>")`. `createBackend`
 * is called once; every replica the suite makes is disposed.
 */
export function describeBackendConformance(
  name: string,
  createBackend: () => OrchestratedBackend | Promise<OrchestratedBackend>,
  options: BackendConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const mlp = parseModelSpec(CONFORMANCE_MLP, 'conformance MLP');
  const cnn = parseModelSpec(CONFORMANCE_CNN, 'conformance CNN');
  let backend: OrchestratedBackend;
  const made: ReplicaProgram[] = [];
  const replica = async (spec: ModelSpec, seed = 1, replicaId = 0): Promise<ReplicaProgram> => {
    const r = await backend.createReplica(spec, { seed, replicaId, numReplicas: 2 });
    made.push(r);
    return r;
  };
  const check = (id: BackendConformanceCheck, title: string, fn: () => Promise<void>): void => {
    const reason = options.skip?.[id];
    if (reason !== undefined) it.skip(`${id}: ${title} (skipped: ${reason})`, () => undefined);
    else it(`${id}: ${title}`, fn, timeout);
  };

  describe(`backend conformance: ${name}`, () => {
    beforeAll(async () => {
      backend = await createBackend();
      expect(backend.stepShape).toBe('orchestrated');
    }, timeout);
    afterAll(async () => {
      await Promise.all(made.splice(0).map((r) => r.dispose()));
    });

    check('layout', "replica.layout is core's weightLayoutOf(spec)", async () => {
      for (const spec of [mlp, cnn]) {
        const r = await replica(spec);
        const expected = weightLayoutOf(spec);
        expect(r.layout.totalSize).toBe(expected.totalSize);
        expect(r.layout.entries.map((e) => [e.name, [...e.shape], e.offset, e.size, e.trainable])).toEqual(
          expected.entries.map((e) => [e.name, [...e.shape], e.offset, e.size, e.trainable]),
        );
        expect(r.trainableSize).toBe(expected.totalSize);
        expect((await r.getWeights()).length).toBe(expected.totalSize);
      }
    });

    check('seed', 'the same seed gives the same weights, another seed different ones', async () => {
      const a = await (await replica(cnn, 42)).getWeights();
      const b = await (await replica(cnn, 42, 1)).getWeights();
      const c = await (await replica(cnn, 43)).getWeights();
      expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
      expect(a.some((v, i) => v !== c[i])).toBe(true);
      expect(a.some((v) => v !== 0)).toBe(true);
    });

    check('weights', 'setWeights then getWeights round-trips bit for bit', async () => {
      const r = await replica(cnn);
      const w = conformanceValues(r.layout.totalSize, 7);
      await r.setWeights(w);
      expect(Array.from(await r.getWeights())).toEqual(Array.from(w));
      await expect(r.setWeights(new Float32Array(w.length + 1))).rejects.toThrow();
    });

    const gradientCheck = (spec: ModelSpec, label: string) => async () => {
      const r = await replica(spec, 3);
      await r.setWeights(conformanceValues(r.layout.totalSize, 11));
      const w = await r.getWeights();
      const batch = conformanceBatch(spec, 6, 5);
      const result = await r.computeGradients(batch);
      expect(result.count).toBe(6);
      expect(result.gradients.length).toBe(r.trainableSize);
      const refLoss = referenceLossSum(spec, w, batch);
      expect(Math.abs(result.lossSum - refLoss)).toBeLessThanOrEqual(LOSS_REL_TOL * Math.abs(refLoss));
      expectClose(result.gradients, referenceGradient(spec, w, batch), GRAD_ABS_TOL, GRAD_REL_TOL, `${label} gradient`);
    };
    check('gradients', 'tiny MLP: gradient of the summed loss matches float64 finite differences', gradientCheck(mlp, 'MLP'));
    check('convGradients', 'tiny CNN (stride 2, same/valid, max/avg pool): gradient matches finite differences', gradientCheck(cnn, 'CNN'));

    check('evaluate', 'evaluate counts examples and correct argmax, and sums the loss', async () => {
      for (const spec of [mlp, cnn]) {
        const r = await replica(spec, 4);
        const w = await r.getWeights();
        const batch = conformanceBatch(spec, 9, 21);
        const m = await r.evaluate(batch);
        const probs = referenceProbabilities(spec, w, batch);
        let correct = 0;
        for (let n = 0; n < 9; n++) {
          const row = Array.from(probs.subarray(n * 3, n * 3 + 3));
          if (row.indexOf(Math.max(...row)) === batch.y[n]) correct++;
        }
        const refLoss = referenceLossSum(spec, w, batch);
        expect(m.count).toBe(9);
        expect(m.correct).toBe(correct);
        expect(Math.abs(m.lossSum - refLoss)).toBeLessThanOrEqual(LOSS_REL_TOL * Math.abs(refLoss));
      }
    });

    check('predict', 'predict returns size x classes probabilities matching the reference', async () => {
      const r = await replica(cnn, 5);
      const batch = conformanceBatch(cnn, 4, 31);
      const p = await r.predict(batch);
      expect(p.length).toBe(4 * 3);
      expectClose(p, referenceProbabilities(cnn, await r.getWeights(), batch), PROB_ABS_TOL, 0, 'probability');
    });

    check('emptyBatch', 'a replica with no data this step returns zero gradients and zero counts', async () => {
      const r = await replica(mlp);
      await r.computeGradients(conformanceBatch(mlp, 3, 1)); // leave non-zero values behind
      const empty = conformanceBatch(mlp, 0, 1);
      const g = await r.computeGradients(empty);
      expect([g.lossSum, g.count, g.correct]).toEqual([0, 0, 0]);
      expect(g.gradients.length).toBe(r.trainableSize);
      expect(g.gradients.every((v) => v === 0)).toBe(true);
      expect(await r.evaluate(empty)).toEqual({ lossSum: 0, count: 0, correct: 0 });
      expect((await r.predict(empty)).length).toBe(0);
    });

    check('optimizers', 'applyGradients follows the shared sgd/momentum/adam/rmsprop formulas', async () => {
      for (const optimizer of OPTIMIZER_CASES) {
        const spec = { ...mlp, optimizer };
        const r = await replica(spec);
        const w0 = conformanceValues(r.layout.totalSize, 41);
        await r.setWeights(w0);
        const grads = [1, 2, 3].map((k) => conformanceValues(r.trainableSize, 50 + k));
        for (const g of grads) await r.applyGradients(g);
        const label = `${optimizer.name}${'nesterov' in optimizer && optimizer.nesterov ? ' (nesterov)' : ''} weight`;
        expectClose(await r.getWeights(), referenceOptimizerRun(optimizer, w0, grads), OPT_TOL, OPT_TOL, label);
        expect((await r.exportOptimizerState()).step).toBe(3);
      }
    });

    check('optimizerState', 'exported optimizer state continues identically after import', async () => {
      for (const optimizer of OPTIMIZER_CASES) {
        const spec = { ...mlp, optimizer };
        const a = await replica(spec, 8);
        const grads = [1, 2, 3, 4].map((k) => conformanceValues(a.trainableSize, 60 + k));
        await a.applyGradients(grads[0]!);
        await a.applyGradients(grads[1]!);
        const state = await a.exportOptimizerState();
        expect(state.name).toBe(optimizer.name);
        expect(state.step).toBe(2);
        expect(Object.keys(state.slots).sort()).toEqual([...OPTIMIZER_SLOT_NAMES[optimizer.name]].sort());
        for (const slot of Object.values(state.slots)) expect(slot.length).toBe(a.trainableSize);
        const b = await replica(spec, 9);
        await b.setWeights(await a.getWeights());
        await b.importOptimizerState(state);
        for (const g of grads.slice(2)) {
          await a.applyGradients(g);
          await b.applyGradients(g);
        }
        expect(Array.from(await b.getWeights())).toEqual(Array.from(await a.getWeights()));
        const other = optimizer.name === 'sgd' ? 'adam' : 'sgd';
        await expect(b.importOptimizerState({ ...state, name: other })).rejects.toThrow();
      }
    });

    if (!options.shardedUpdate) it.skip('shardedUpdate: applyGradientsRange (skipped: the backend does not declare shardedUpdate)', () => undefined);
    else
      check('shardedUpdate', 'applyGradientsRange over a partition, merged, equals applyGradients bit for bit', async () => {
        for (const optimizer of OPTIMIZER_CASES) {
          const spec = { ...mlp, optimizer };
          const full = await replica(spec, 5);
          const parts = [await replica(spec, 5), await replica(spec, 5), await replica(spec, 5)];
          const n = full.trainableSize;
          const cuts = [0, Math.floor(n / 3), Math.floor(n / 3) + 1, n];
          for (let step = 0; step < 3; step++) {
            const g = conformanceValues(n, 70 + step);
            await full.applyGradients(g);
            for (let k = 0; k < parts.length; k++) await parts[k]!.applyGradientsRange!(g, cuts[k]!, cuts[k + 1]!);
            const views = parts.map((p) => p.trainableWeights!());
            for (const v of views) expect(v.length).toBe(n);
            // the all-gather: each part's range into every other replica
            for (let k = 0; k < parts.length; k++) for (const v of views) if (v !== views[k]) v.set(views[k]!.subarray(cuts[k]!, cuts[k + 1]!), cuts[k]!);
            const want = Array.from(await full.getWeights());
            for (const p of parts) expect(Array.from(await p.getWeights())).toEqual(want);
          }
          for (const p of parts) expect((await p.exportOptimizerState()).step).toBe(3);
          await expect(parts[0]!.applyGradientsRange!(conformanceValues(n, 1), 0, n + 1)).rejects.toThrow();
        }
      });

    check('dropout', 'dropout masks are seeded per replica; inference ignores dropout', async () => {
      const spec = parseModelSpec(
        {
          ...CONFORMANCE_MLP,
          layers: [
            { type: 'dense', units: 6, activation: 'tanh' },
            { type: 'dropout', rate: 0.5 },
            { type: 'dense', units: 3, activation: 'softmax' },
          ],
        },
        'conformance dropout MLP',
      );
      const batch = conformanceBatch(spec, 8, 71);
      const grads = async (replicaId: number) => Array.from((await (await replica(spec, 12, replicaId)).computeGradients(batch)).gradients);
      const [a, b, c] = [await grads(0), await grads(0), await grads(1)];
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
      const r = await replica(spec, 12);
      const m = await r.evaluate(batch);
      const refLoss = referenceLossSum(spec, await r.getWeights(), batch);
      expect(Math.abs(m.lossSum - refLoss)).toBeLessThanOrEqual(LOSS_REL_TOL * Math.abs(refLoss));
    });
  });
}
