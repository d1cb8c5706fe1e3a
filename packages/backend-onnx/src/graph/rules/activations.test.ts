/** Relu/Sigmoid/Tanh gradients vs central finite differences (float32, eps 1e-3, rel err <= 1e-2). */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';

const TOL = 1e-2;

/** Values in [-1, 1] kept 0.05 away from Relu's kink so a 1e-3 step never crosses it. */
function awayFromZero(n: number, seed: number): Float32Array {
  return seededUniform(n, seed).map((v) => (Math.abs(v) < 0.05 ? v + Math.sign(v || 1) * 0.1 : v));
}

describe('activation gradient rules', () => {
  it.each(['Relu', 'Sigmoid', 'Tanh'])('%s on a random [3, 5, 4] input', async (op) => {
    const res = await gradCheck([{ name: 'x', shape: [3, 5, 4], data: awayFromZero(60, op.length) }], (b) => b.op(op, ['x']), { samples: 40 });
    expect(res.gradShapes.x).toEqual([3, 5, 4]);
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });

  it('Relu after Gemm (dense layer) propagates into both weights and input', async () => {
    const res = await gradCheck(
      [
        { name: 'x', shape: [4, 6], data: seededUniform(24, 11) },
        { name: 'w', shape: [6, 8], data: seededUniform(48, 12) },
      ],
      (b) => b.op('Relu', [b.op('Gemm', ['x', 'w'])]),
    );
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
    expect(res.relErr.w).toBeLessThanOrEqual(TOL);
  });
});
