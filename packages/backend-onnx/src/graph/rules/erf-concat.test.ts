/** Erf, exact gelu (Mul/Erf/Add) and Concat gradients vs central finite differences (float32, eps 1e-3, rel err <= 1e-2). */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';
import { emitGelu, emitLayerNorm } from '../spec-norms';

const TOL = 1e-2;

describe('Erf, gelu, layer normalisation and Concat gradient rules', () => {
  it('Erf on a random [4, 6] input spread over [-2, 2]', async () => {
    const res = await gradCheck([{ name: 'x', shape: [4, 6], data: seededUniform(24, 3).map((v) => 2 * v) }], (b) => b.op('Erf', ['x']), { samples: 24 });
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });

  it('gelu (0.5 x (1 + erf(x / sqrt 2))) after Gemm reaches the input and the weights', async () => {
    const res = await gradCheck(
      [
        { name: 'x', shape: [3, 5], data: seededUniform(15, 5) },
        { name: 'w', shape: [5, 4], data: seededUniform(20, 6) },
      ],
      (b) => emitGelu(b, b.op('Gemm', ['x', 'w'])),
    );
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
    expect(res.relErr.w).toBeLessThanOrEqual(TOL);
  });

  it('layer normalisation over the last axis, gamma and beta included', async () => {
    const res = await gradCheck(
      [
        { name: 'x', shape: [3, 4, 6], data: seededUniform(72, 7) },
        { name: 'gamma', shape: [6], data: seededUniform(6, 8).map((v) => 1 + v / 2) },
        { name: 'beta', shape: [6], data: seededUniform(6, 9) },
      ],
      (b) => b.op('Mul', [emitLayerNorm(b, 'x', 3, 1e-3, 'gamma', 'beta'), b.constFloat(seededUniform(72, 10), [3, 4, 6])]),
    );
    for (const k of ['x', 'gamma', 'beta']) expect([k, res.relErr[k]! <= TOL]).toEqual([k, true]);
  });

  it.each([1, 2, -1])('Concat of three inputs on axis %i', async (axis) => {
    const shapes: Record<number, number[][]> = {
      1: [
        [2, 3, 4],
        [2, 1, 4],
        [2, 2, 4],
      ],
      2: [
        [2, 3, 1],
        [2, 3, 4],
        [2, 3, 2],
      ],
      [-1]: [
        [2, 3, 2],
        [2, 3, 2],
        [2, 3, 3],
      ],
    };
    const inputs = shapes[axis]!.map((shape, k) => ({
      name: `x${k}`,
      shape,
      data: seededUniform(
        shape.reduce((a, c) => a * c, 1),
        20 + k,
      ),
    }));
    const res = await gradCheck(inputs, (b) => b.op('Tanh', [b.op('Concat', ['x0', 'x1', 'x2'], { axis })]));
    for (const k of ['x0', 'x1', 'x2']) expect([k, res.relErr[k]! <= TOL]).toEqual([k, true]);
  });
});
