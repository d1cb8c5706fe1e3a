/** BatchNormalization (inference form, frozen running statistics) gradients vs finite differences. */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';
import { batchStatsOf, expandTrainingBatchNorm } from '../batch-norm-training';

const TOL = 1e-2;

describe('BatchNormalization gradient rule', () => {
  it('NCHW input: dX, dScale, dBias', async () => {
    const res = await gradCheck(
      [
        { name: 'X', shape: [2, 3, 4, 4], data: seededUniform(96, 71) },
        { name: 'scale', shape: [3], data: seededUniform(3, 72, 0.5, 1.5) },
        { name: 'bias', shape: [3], data: seededUniform(3, 73) },
        { name: 'mean', shape: [3], data: seededUniform(3, 74), check: false },
        { name: 'var', shape: [3], data: seededUniform(3, 75, 0.5, 2), check: false },
      ],
      (b) => b.op('BatchNormalization', ['X', 'scale', 'bias', 'mean', 'var'], { epsilon: { f: 1e-3 } }),
      { samples: 30 },
    );
    for (const e of Object.values(res.relErr)) expect(e).toBeLessThanOrEqual(TOL);
  });
});

describe('training-mode BatchNormalization (batch statistics, closed-form backward)', () => {
  it.each([
    { name: 'NCHW', shape: [3, 2, 3, 4] },
    { name: 'NC (after a dense layer)', shape: [5, 4] },
  ])('$name: dX, dScale, dBias through the batch statistics', async ({ shape }) => {
    const c = shape[1]!;
    const size = shape.reduce((a, v) => a * v, 1);
    const res = await gradCheck(
      [
        { name: 'X', shape, data: seededUniform(size, 81) },
        { name: 'scale', shape: [c], data: seededUniform(c, 82, 0.5, 1.5) },
        { name: 'bias', shape: [c], data: seededUniform(c, 83) },
        { name: 'mean', shape: [c], data: seededUniform(c, 84), check: false },
        { name: 'var', shape: [c], data: seededUniform(c, 85, 0.5, 2), check: false },
      ],
      (b) => {
        const [y] = b.node('BatchNormalization', ['X', 'scale', 'bias', 'mean', 'var'], 1, { epsilon: { f: 1e-3 } });
        const updates = expandTrainingBatchNorm(b, () => shape.length, 17);
        expect(updates.map((u) => u.entry)).toEqual(['mean', 'var']);
        const bn = b.nodes.filter((n) => n.op_type === 'BatchNormalization');
        expect(bn).toHaveLength(1);
        expect(batchStatsOf(bn[0]!)).toBeDefined();
        return y!;
      },
      { samples: 30 },
    );
    for (const e of Object.values(res.relErr)) expect(e).toBeLessThanOrEqual(TOL);
  });
});
