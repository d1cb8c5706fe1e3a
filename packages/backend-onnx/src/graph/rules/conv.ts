/**
 * Conv (2-D, NCHW, OIHW weights), gradients of the summed loss:
 * 1. dX = ConvTranspose(g, W) with the forward strides/pads and an output_padding that
 *    restores X's spatial size;
 * 2. dW = Conv over the batch axis: X^T [C,N,H,W] convolved with g^T [O,N,OH,OW] as the
 *    kernel, dilated by the forward stride, forward pads; gives [C,O,KH',KW'], sliced to
 *    [C,O,KH,KW] (KH' > KH when the stride does not divide the padded extent), then
 *    transposed to [O,C,KH,KW];
 * 3. dB = g summed over N, OH, OW.
 */
import type { GradRule } from '../grad-rule';
import { outputPadding, windowGeometry } from './window-geometry';

const SWAP_01 = [1, 0, 2, 3];

export const convGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const { b } = ctx;
  const [X, W, B] = node.input as [string, string, string | undefined];
  const wShape = ctx.shape(W);
  const geo = windowGeometry(ctx, node, wShape.slice(2));
  let dX: string | undefined;
  let dW: string | undefined;
  let dB: string | undefined;
  if (needed[0]) {
    dX = b.op('ConvTranspose', [g, W], {
      strides: geo.strides,
      pads: geo.pads,
      kernel_shape: geo.kernel,
      output_padding: outputPadding(geo),
    });
  }
  if (needed[1]) {
    const xt = b.op('Transpose', [X], { perm: SWAP_01 });
    const gt = b.op('Transpose', [g], { perm: SWAP_01 });
    let r = b.op('Conv', [xt, gt], { dilations: geo.strides, pads: geo.pads, kernel_shape: geo.outSize });
    const [kh, kw] = geo.kernel;
    const natural = [0, 1].map((i) => geo.inSize[i]! + geo.pads[i]! + geo.pads[i + 2]! - (geo.outSize[i]! - 1) * geo.strides[i]!);
    if (natural[0] !== kh || natural[1] !== kw) {
      r = b.op('Slice', [r, b.constInt64([0, 0]), b.constInt64([kh, kw]), b.constInt64([2, 3])]);
    }
    dW = b.op('Transpose', [r], { perm: SWAP_01 });
  }
  if (B && needed[2]) dB = b.op('ReduceSum', [g, b.constInt64([0, 2, 3])], { keepdims: 0 });
  return [dX, dW, dB];
};
