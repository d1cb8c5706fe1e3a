/**
 * Core's flat optimizers (every orchestrated backend's): the float64 reference formulas,
 * range updates that partition into exactly the full update (sharded weight updates),
 * and state export/import with named errors. backend-tfjs checks them against tf.train.*.
 */
import { OPTIMIZER_SLOT_NAMES, referenceOptimizerRun } from '../testing/backend-conformance-reference-optimizers';
import type { OptimizerSpec } from '../spec/model-spec';
import { Xoshiro128 } from '../random/prng';
import { createFlatOptimizer } from './create-flat-optimizer';

const SIZE = 203;
const CASES: OptimizerSpec[] = [
  { name: 'sgd', learningRate: 0.05 },
  { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: false },
  { name: 'momentum', learningRate: 0.05, momentum: 0.8, nesterov: true },
  { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  { name: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7 },
];

function values(seed: number): Float32Array {
  const p = new Xoshiro128(seed);
  return Float32Array.from({ length: SIZE }, () => p.nextFloat24() * 2 - 1);
}

describe.each(CASES)('flat $name (nesterov $nesterov)', (spec) => {
  it('follows the reference formulas over 4 steps', () => {
    const w0 = values(1);
    const grads = [2, 3, 4, 5].map(values);
    const w = w0.slice();
    const opt = createFlatOptimizer(spec, SIZE);
    for (const g of grads) opt.apply(w, g);
    const want = referenceOptimizerRun(spec, w0, grads);
    for (let i = 0; i < SIZE; i++) expect(Math.abs(w[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]!)));
    expect(opt.step).toBe(4);
    expect(Object.keys(opt.exportState().slots).sort()).toEqual([...OPTIMIZER_SLOT_NAMES[spec.name]].sort());
  });

  it('updates over ranges that partition the weights equal the full update, bit for bit', () => {
    const full = createFlatOptimizer(spec, SIZE);
    const cuts = [0, 16, 17, 128, SIZE];
    const parts = cuts.slice(1).map(() => createFlatOptimizer(spec, SIZE));
    const wFull = values(1);
    const wParts = parts.map(() => values(1));
    for (const g of [2, 3, 4].map(values)) {
      full.apply(wFull, g);
      parts.forEach((p, k) => p.apply(wParts[k]!, g, cuts[k]!, cuts[k + 1]!));
    }
    const merged = new Float32Array(SIZE);
    parts.forEach((_, k) => merged.set(wParts[k]!.subarray(cuts[k]!, cuts[k + 1]!), cuts[k]!));
    expect(Array.from(merged)).toEqual(Array.from(wFull));
    // outside its range a part's weights are untouched
    expect(Array.from(wParts[0]!.subarray(16))).toEqual(Array.from(values(1).subarray(16)));
    const fullState = full.exportState();
    for (const [name, slot] of Object.entries(fullState.slots)) {
      const m = new Float32Array(SIZE);
      parts.forEach((p, k) => m.set(p.exportState().slots[name]!.subarray(cuts[k]!, cuts[k + 1]!), cuts[k]!));
      expect(Array.from(m)).toEqual(Array.from(slot));
    }
    for (const p of parts) expect(p.step).toBe(3);
  });

  it('rejects a range outside the weights and arrays of the wrong size, naming them', () => {
    const opt = createFlatOptimizer(spec, SIZE);
    const w = values(1);
    expect(() => opt.apply(w, values(2), 5, SIZE + 1)).toThrow(/range \[5, 204\)/);
    expect(() => opt.apply(w, values(2), 7, 6)).toThrow(/range/);
    expect(() => opt.apply(w.subarray(1), values(2))).toThrow(/203 elements/);
    expect(opt.step).toBe(0);
  });

  it('exports and imports its state; a foreign or misshapen state is refused by name', () => {
    const a = createFlatOptimizer(spec, SIZE);
    const wa = values(1);
    a.apply(wa, values(2));
    const state = a.exportState();
    const b = createFlatOptimizer(spec, SIZE);
    b.importState(state);
    const wb = wa.slice();
    a.apply(wa, values(3));
    b.apply(wb, values(3));
    expect(Array.from(wb)).toEqual(Array.from(wa));
    expect(() => b.importState({ ...state, name: spec.name === 'sgd' ? 'adam' : 'sgd' })).toThrow(/optimizerState\.name/);
    const slot = Object.keys(state.slots)[0];
    if (slot) expect(() => b.importState({ ...state, slots: { ...state.slots, [slot]: new Float32Array(3) } })).toThrow(new RegExp(`"${slot}" has 3 elements`));
  });
});
