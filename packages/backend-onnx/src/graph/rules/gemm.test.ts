/** Gemm/MatMul/bias-Add gradients vs central finite differences (float32, eps 1e-3, rel err <= 1e-2). */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';

const TOL = 1e-2;

describe('Gemm / MatMul / Add gradient rules', () => {
  it.each([
    { transA: 0, transB: 0 },
    { transA: 1, transB: 0 },
    { transA: 0, transB: 1 },
    { transA: 1, transB: 1 },
  ])('Gemm with bias, %o', async ({ transA, transB }) => {
    const [m, k, n] = [5, 7, 3];
    const res = await gradCheck(
      [
        { name: 'A', shape: transA ? [k, m] : [m, k], data: seededUniform(m * k, 1) },
        { name: 'B', shape: transB ? [n, k] : [k, n], data: seededUniform(k * n, 2) },
        { name: 'C', shape: [n], data: seededUniform(n, 3) },
      ],
      (b) => b.op('Gemm', ['A', 'B', 'C'], { transA, transB, alpha: { f: 0.7 }, beta: { f: 1.3 } }),
    );
    expect(res.gradShapes).toEqual({ A: transA ? [k, m] : [m, k], B: transB ? [n, k] : [k, n], C: [n] });
    for (const e of Object.values(res.relErr)) expect(e).toBeLessThanOrEqual(TOL);
  });

  it('MatMul then broadcast Add of a bias, batched rank-3 input', async () => {
    const res = await gradCheck(
      [
        { name: 'X', shape: [2, 4, 6], data: seededUniform(48, 4) },
        { name: 'W', shape: [6, 5], data: seededUniform(30, 5) },
        { name: 'bias', shape: [1, 5], data: seededUniform(5, 6) },
      ],
      (b) => b.op('Add', [b.op('MatMul', ['X', 'W']), 'bias']),
    );
    expect(res.gradShapes).toEqual({ X: [2, 4, 6], W: [6, 5], bias: [1, 5] });
    for (const e of Object.values(res.relErr)) expect(e).toBeLessThanOrEqual(TOL);
  });

  it('Sub and Mul with broadcasting, Div', async () => {
    const res = await gradCheck(
      [
        { name: 'a', shape: [3, 4], data: seededUniform(12, 7) },
        { name: 'b', shape: [4], data: seededUniform(4, 8) },
        { name: 'c', shape: [3, 1], data: seededUniform(3, 9, 1, 2) },
      ],
      (b) => b.op('Div', [b.op('Mul', [b.op('Sub', ['a', 'b']), 'b']), 'c']),
    );
    for (const e of Object.values(res.relErr)) expect(e).toBeLessThanOrEqual(TOL);
  });
});
