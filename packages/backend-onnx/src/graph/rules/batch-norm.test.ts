/** BatchNormalization (inference form, frozen running statistics) gradients vs finite differences. */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';

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
