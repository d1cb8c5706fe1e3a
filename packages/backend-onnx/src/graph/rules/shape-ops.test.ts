/** Flatten/Reshape/Transpose/Identity gradients vs finite differences. */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';

const TOL = 1e-2;

describe('shape op gradient rules', () => {
  it('Transpose then Flatten then Reshape, squared so the gradient depends on x', async () => {
    const res = await gradCheck(
      [{ name: 'x', shape: [2, 3, 4, 5], data: seededUniform(120, 31) }],
      (b) => {
        const t = b.op('Transpose', ['x'], { perm: [0, 2, 3, 1] });
        const f = b.op('Flatten', [t], { axis: 1 });
        const r = b.op('Reshape', [f, b.constInt64([2, 6, 10])]);
        const i = b.op('Identity', [r]);
        return b.op('Mul', [i, i]);
      },
      { samples: 40 },
    );
    expect(res.gradShapes.x).toEqual([2, 3, 4, 5]);
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });

  it('Transpose with the default (reversing) permutation', async () => {
    const res = await gradCheck([{ name: 'x', shape: [3, 4, 2], data: seededUniform(24, 32) }], (b) => {
      const t = b.op('Transpose', ['x']);
      return b.op('Mul', [t, t]);
    });
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });
});

describe('Pad gradient rule', () => {
  it('constant-mode Pad with pads from an initializer and from a Constant node', async () => {
    const res = await gradCheck(
      [{ name: 'x', shape: [2, 3, 4, 5], data: seededUniform(120, 33) }],
      (b) => {
        const p1 = b.op('Pad', ['x', b.constInt64([0, 0, 1, 0, 0, 0, 2, 1])]);
        const pads = b.node('Constant', [], 1, { value: { t: { dims: [8], data_type: 7, int64_data: [0, 1, 0, 2, 0, 0, 1, 0] } } })[0]!;
        const p2 = b.op('Pad', [p1, pads]);
        return b.op('Mul', [p2, p2]);
      },
      { samples: 40 },
    );
    expect(res.gradShapes.x).toEqual([2, 3, 4, 5]);
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });
});
