/**
 * Conv gradients (dX via ConvTranspose, dW via an im2col GEMM, dB) vs central finite
 * differences, float32, eps 1e-3, rel err <= 1e-2, over strides 1-3, explicit
 * symmetric/asymmetric pads and auto_pad SAME_UPPER on odd/even random sizes and 3, 8 or 9
 * input channels; stride-1 convs with 16k channels in and out take the NCHWc dX.
 */
import { gradCheck, seededUniform } from '../../../tests/helpers/grad-check';

const TOL = 1e-2;

describe('Conv gradient rule', () => {
  it.each([
    { name: 'valid stride 1', h: 7, w: 6, k: [3, 3], strides: [1, 1], pads: [0, 0, 0, 0] },
    { name: 'valid stride 2 (extent not divisible)', h: 8, w: 7, k: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0] },
    { name: 'same-style asymmetric pads, stride 2', h: 8, w: 8, k: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] },
    { name: 'symmetric pads, stride 1, 5x3 kernel', h: 6, w: 5, k: [5, 3], strides: [1, 1], pads: [2, 1, 2, 1] },
    { name: 'stride 3, 2x2 kernel', h: 9, w: 10, k: [2, 2], strides: [3, 3], pads: [0, 0, 0, 0] },
    { name: '9 channels, asymmetric pads, stride 2', h: 8, w: 7, k: [3, 3], strides: [2, 2], pads: [0, 1, 1, 1], c: 9 },
    { name: '8 channels, symmetric pads, 5x3 kernel', h: 6, w: 5, k: [5, 3], strides: [1, 1], pads: [2, 1, 2, 1], c: 8 },
    { name: '16 -> 16 channels, stride 1, same pads (NCHWc dX on x64)', h: 6, w: 5, k: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], c: 16, o: 16 },
    {
      name: '16 -> 32 channels, stride 1, asymmetric pads, 5x3 kernel (NCHWc dX on x64)',
      h: 7,
      w: 6,
      k: [5, 3],
      strides: [1, 1],
      pads: [1, 0, 2, 2],
      c: 16,
      o: 32,
    },
  ])('$name', async ({ h, w, k, strides, pads, c = 3, o = 4 }) => {
    const n = 2;
    const res = await gradCheck(
      [
        { name: 'X', shape: [n, c, h, w], data: seededUniform(n * c * h * w, h * 31 + w) },
        { name: 'W', shape: [o, c, k[0]!, k[1]!], data: seededUniform(o * c * k[0]! * k[1]!, 5) },
        { name: 'B', shape: [o], data: seededUniform(o, 6) },
      ],
      (b) => b.op('Conv', ['X', 'W', 'B'], { kernel_shape: k, strides, pads }),
      { samples: 30 },
    );
    expect(res.gradShapes).toEqual({ X: [n, c, h, w], W: [o, c, k[0], k[1]], B: [o] });
    for (const e of Object.values(res.relErr)) expect(e).toBeLessThanOrEqual(TOL);
  });

  it('auto_pad SAME_UPPER with stride 2 on an odd size', async () => {
    const res = await gradCheck(
      [
        { name: 'X', shape: [2, 2, 7, 7], data: seededUniform(196, 41) },
        { name: 'W', shape: [3, 2, 3, 3], data: seededUniform(54, 42) },
      ],
      (b) => b.op('Conv', ['X', 'W'], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }),
    );
    for (const e of Object.values(res.relErr)) expect(e).toBeLessThanOrEqual(TOL);
  });
});
