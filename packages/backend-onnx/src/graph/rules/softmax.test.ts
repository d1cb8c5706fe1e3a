/** Softmax/LogSoftmax gradients (and the sparse cross-entropy head built from them) vs finite differences. */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';

const TOL = 1e-2;

describe('softmax gradient rules', () => {
  it.each([
    { op: 'Softmax', axis: -1 },
    { op: 'Softmax', axis: 1 },
    { op: 'LogSoftmax', axis: -1 },
    { op: 'LogSoftmax', axis: 0 },
  ])('$op along axis $axis of a [4, 6, 3] input', async ({ op, axis }) => {
    const res = await gradCheck([{ name: 'x', shape: [4, 6, 3], data: seededUniform(72, 21, -3, 3) }], (b) => b.op(op, ['x'], { axis }), { samples: 40 });
    expect(res.relErr.x).toBeLessThanOrEqual(TOL);
  });
});
