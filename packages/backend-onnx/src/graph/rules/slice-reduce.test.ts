/** Slice (unit steps, negative and clamped bounds) and ReduceMean(keepdims=0) gradients vs central finite differences. */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';

const TOL = 1e-2;

describe('Slice and ReduceMean(keepdims=0) gradient rules', () => {
  it('Slice of the last axis with a negative start and a clamped end, then Tanh', async () => {
    const res = await gradCheck([{ name: 'x', shape: [2, 3, 10], data: seededUniform(60, 51) }], (b) =>
      b.op('Tanh', [b.op('Slice', ['x', b.constInt64([2, -4]), b.constInt64([3, 1_000_000]), b.constInt64([1, 2])])]),
    );
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });

  it('ReduceMean over axis 1 without keepdims, then Tanh', async () => {
    const res = await gradCheck([{ name: 'x', shape: [3, 4, 5], data: seededUniform(60, 52) }], (b) =>
      b.op('Tanh', [b.op('ReduceMean', ['x'], { axes: [1], keepdims: 0 })]),
    );
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });
});
