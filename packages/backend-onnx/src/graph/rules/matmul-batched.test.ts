/** Batched MatMul of two activations (attention scores and context) vs central finite differences, and a whole attention block. */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';
import { emitMultiHeadAttention } from '../spec-sequence';

const TOL = 1e-2;

describe('batched MatMul gradient rule', () => {
  it('[2, 3, 4, 5] x [2, 3, 5, 2] reaches both operands', async () => {
    const res = await gradCheck(
      [
        { name: 'a', shape: [2, 3, 4, 5], data: seededUniform(120, 31) },
        { name: 'b', shape: [2, 3, 5, 2], data: seededUniform(60, 32) },
      ],
      (g) => g.op('MatMul', ['a', 'b']),
    );
    expect(res.relErr.a).toBeLessThanOrEqual(TOL);
    expect(res.relErr.b).toBeLessThanOrEqual(TOL);
  });

  it('multi-head self-attention: input and every projection', async () => {
    const names = ['wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo'];
    const shapes = [[6, 8], [8], [6, 8], [8], [6, 8], [8], [8, 6], [6]];
    const res = await gradCheck(
      [
        { name: 'x', shape: [2, 5, 6], data: seededUniform(60, 40) },
        // the key bias has a zero gradient (softmax ignores a per-query constant): not checked
        ...names.map((name, k) => ({
          name,
          shape: shapes[k]!,
          data: seededUniform(
            shapes[k]!.reduce((a, c) => a * c, 1),
            41 + k,
          ),
          check: name !== 'bk',
        })),
      ],
      (g) => emitMultiHeadAttention(g, 'x', 'x', { query: 5, value: 5 }, names, 2, 4, true),
    );
    for (const k of ['x', ...names.filter((n) => n !== 'bk')]) expect([k, res.relErr[k]! <= TOL]).toEqual([k, true]);
  });
});
