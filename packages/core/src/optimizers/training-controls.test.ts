/**
 * AdamW, learning-rate schedules and global-norm clipping (issue 17): AdamW against the
 * float64 reference; schedule factors at hand-computed points; clipping by the global norm;
 * the schedule position restored from exported state; range updates with clipping refused.
 */
import { Xoshiro128 } from '../random/prng';
import { modelSpecSchema, type OptimizerSpec } from '../spec/model-spec';
import { referenceOptimizerRun } from '../testing/backend-conformance-reference-optimizers';
import { globalNormClipScale } from './clip';
import { createFlatOptimizer } from './create-flat-optimizer';
import { lrScheduleFactor } from './lr-schedule';

const SIZE = 97;
const values = (seed: number): Float32Array => {
  const p = new Xoshiro128(seed);
  return Float32Array.from({ length: SIZE }, () => p.nextFloat24() * 2 - 1);
};
const optimizer = (o: unknown): OptimizerSpec => modelSpecSchema.parse({ inputShape: [1], layers: [{ type: 'dense', units: 1 }], optimizer: o }).optimizer;
const sgd = (extra: object): OptimizerSpec => optimizer({ name: 'sgd', learningRate: 0.1, ...extra });

describe('training controls', () => {
  it('AdamW decays the weights apart from the moments, as the reference', () => {
    const spec = optimizer({ name: 'adamw', learningRate: 0.01, weightDecay: 0.1 });
    expect(spec).toMatchObject({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.1 });
    const w0 = values(1);
    const grads = [2, 3, 4].map(values);
    const w = w0.slice();
    const opt = createFlatOptimizer(spec, SIZE);
    for (const g of grads) opt.apply(w, g);
    const want = referenceOptimizerRun(spec, w0, grads);
    for (let i = 0; i < SIZE; i++) expect(Math.abs(w[i]! - want[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i]!)));
    const adam = createFlatOptimizer(optimizer({ name: 'adam', learningRate: 0.01 }), SIZE);
    const wAdam = w0.slice();
    for (const g of grads) adam.apply(wAdam, g);
    expect(w.some((v, i) => v !== wAdam[i])).toBe(true);
    expect(opt.exportState().name).toBe('adamw');
  });

  it('schedules follow their formulas at chosen steps', () => {
    const cos = { type: 'warmupCosine', warmupSteps: 10, decaySteps: 100, alpha: 0.1 } as const;
    expect([0, 5, 10, 60, 110, 500].map((t) => lrScheduleFactor(cos, t))).toEqual([0, 0.5, 1, 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 2)), 0.1, 0.1]);
    const exp = { type: 'exponential', decaySteps: 10, decayRate: 0.5, staircase: false } as const;
    expect([0, 10, 15].map((t) => lrScheduleFactor(exp, t))).toEqual([1, 0.5, Math.pow(0.5, 1.5)]);
    expect(lrScheduleFactor({ ...exp, staircase: true }, 15)).toBe(0.5);
    expect([0, 2, 3, 7].map((t) => lrScheduleFactor({ type: 'step', stepSize: 3, gamma: 0.1 }, t))).toEqual([1, 1, 0.1, Math.pow(0.1, 2)]);
  });

  it('sgd with a step schedule takes lr * gamma^floor(t / stepSize) per update', () => {
    const opt = createFlatOptimizer(sgd({ schedule: { type: 'step', stepSize: 2, gamma: 0.5 } }), SIZE);
    const w = new Float32Array(SIZE);
    const g = new Float32Array(SIZE).fill(1);
    const after: number[] = [];
    for (let k = 0; k < 5; k++) {
      opt.apply(w, g);
      after.push(w[0]!);
    }
    // updates of 0.1, 0.1, 0.05, 0.05, 0.025
    expect(after.map((v) => Number(v.toFixed(6)))).toEqual([-0.1, -0.2, -0.25, -0.3, -0.325]);
  });

  it('the schedule resumes from exported state (its position is the checkpointed step)', () => {
    const spec = optimizer({ name: 'adam', learningRate: 0.01, schedule: { type: 'warmupCosine', warmupSteps: 2, decaySteps: 5 } });
    const straight = createFlatOptimizer(spec, SIZE);
    const w1 = values(1);
    const grads = [2, 3, 4, 5, 6].map(values);
    for (const g of grads) straight.apply(w1, g);
    const first = createFlatOptimizer(spec, SIZE);
    const w2 = values(1);
    for (const g of grads.slice(0, 3)) first.apply(w2, g);
    const resumed = createFlatOptimizer(spec, SIZE);
    resumed.importState(first.exportState());
    for (const g of grads.slice(3)) resumed.apply(w2, g);
    expect(Array.from(w2)).toEqual(Array.from(w1));
    expect(resumed.step).toBe(5);
  });

  it('clips the gradient by its global norm, and leaves a small one alone', () => {
    const g = new Float32Array(SIZE);
    g[0] = 3;
    g[1] = 4;
    expect(globalNormClipScale(g, 1)).toBeCloseTo(0.2, 12);
    expect(globalNormClipScale(g, 10)).toBe(1);
    expect(globalNormClipScale(new Float32Array(4), 1)).toBe(1);
    const clipped = createFlatOptimizer(sgd({ globalClipNorm: 1 }), SIZE);
    const w = new Float32Array(SIZE);
    clipped.apply(w, g);
    expect([w[0], w[1]].map((v) => Number(v!.toFixed(6)))).toEqual([-0.06, -0.08]);
    expect(g[0]).toBe(3);
    const loose = createFlatOptimizer(sgd({ globalClipNorm: 10 }), SIZE);
    const w2 = new Float32Array(SIZE);
    loose.apply(w2, g);
    expect([w2[0], w2[1]].map((v) => Number(v!.toFixed(6)))).toEqual([-0.3, -0.4]);
  });

  it('refuses a range update with clipping, naming why', () => {
    const opt = createFlatOptimizer(sgd({ globalClipNorm: 1 }), SIZE);
    expect(() => opt.apply(new Float32Array(SIZE), new Float32Array(SIZE), 0, 10)).toThrow(/globalClipNorm.*range \(sharded\) updates.*update unsharded/);
  });

  it('rejects a bad schedule by field', () => {
    expect(() => sgd({ schedule: { type: 'step', stepSize: 0, gamma: 0.5 } })).toThrow(/stepSize/);
    expect(() => sgd({ globalClipNorm: -1 })).toThrow(/globalClipNorm/);
  });
});
