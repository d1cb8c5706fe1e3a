/**
 * Conv (2-D, NCHW, OIHW weights), gradients of the summed loss:
 * 1. dX = ConvTranspose(g, W) with the forward strides/pads and an output_padding that
 *    restores X's spatial size; for stride 1 with channel counts the NCHWc kernels take, a
 *    Conv with the flipped kernel instead (nchwcInputGrad: ~1.5x faster than ConvTranspose);
 * 2. dW = one GEMM over im2col patches (im2colWeightGrad, below). (Tried first: a Conv over
 *    the batch axis, X^T [C,N,H,W] with g^T [O,N,OH,OW] as a stride-dilated kernel; ORT
 *    runs that as many skinny GEMMs, ~25% slower on the CNN preset's second conv; as an
 *    NCHWc Conv it ran about as fast as the GEMM with its copies, and needs N % 16 = 0.)
 * 3. dB = g summed over N, OH, OW.
 */
import type { GradContext, GradRule } from '../grad-rule';
import { nchwcApplies, nchwcConv, type ConvShape } from './nchwc-conv';
import { outputPadding, windowGeometry, type WindowGeometry } from './window-geometry';

export const convGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g) return [];
  const { b } = ctx;
  const [X, W, B] = node.input as [string, string, string | undefined];
  const wShape = ctx.shape(W);
  const geo = windowGeometry(ctx, node, wShape.slice(2));
  let dX: string | undefined;
  let dW: string | undefined;
  let dB: string | undefined;
  if (needed[0]) dX = nchwcInputGrad(ctx, g, W, geo, wShape);
  if (needed[0] && !dX) {
    dX = b.op('ConvTranspose', [g, W], {
      strides: geo.strides,
      pads: geo.pads,
      kernel_shape: geo.kernel,
      output_padding: outputPadding(geo),
    });
  }
  if (needed[1]) dW = im2colWeightGrad(ctx, X, g, geo, wShape);
  if (B && needed[2]) dB = b.op('ReduceSum', [g, b.constInt64([0, 2, 3])], { keepdims: 0 });
  return [dX, dW, dB];
};

/**
 * dX of a stride-1 conv as a Conv of g with the kernel flipped and its channel axes swapped
 * (pads k - 1 - p), run as NCHWc (nchwc-conv.ts); undefined where that does not apply.
 */
function nchwcInputGrad({ b }: GradContext, g: string, W: string, geo: WindowGeometry, wShape: readonly number[]): string | undefined {
  const [o, c, kh, kw] = wShape as [number, number, number, number];
  const [t, l, bo, r] = geo.pads;
  const s: ConvShape = { o: c, c: o, kernel: [kh, kw], strides: [1, 1], pads: [kh - 1 - t, kw - 1 - l, kh - 1 - bo, kw - 1 - r] };
  if (geo.strides.some((v) => v !== 1) || !nchwcApplies(s)) return undefined;
  return nchwcConv(b, g, W, s, undefined, undefined, true);
}

/**
 * dW as one GEMM with the big operand first and unpacked: patches [(c, i, j), (oh, ow, n)]
 * times g as [(oh, ow, n), O] gives the kernel as [C, KH, KW, O], transposed here to the
 * node's OIHW. Patches come from X as [C, H, W, N] (one 2-D Transpose, padded): one Gather
 * along the flattened padded pixels, rows (i, j, oh, ow), each copying N floats. MLAS packs
 * only the right operand (here [OH*OW*N, O], small); on resnet-small's 32/64-channel convs at
 * batch 64 this [9C, NP] x [NP, O] ran 1.4-1.7x faster than [O, NP] x [NP, 9C] (which was
 * itself ~8% faster as a step than NHWC g with transA, and its patches as one Gather ~7%
 * faster than KH*KW Slices + Concat).
 */
function im2colWeightGrad(ctx: GradContext, X: string, g: string, geo: WindowGeometry, wShape: readonly number[]): string {
  const { b } = ctx;
  const [o, c, kh, kw] = wShape as [number, number, number, number];
  const [h, w] = geo.inSize;
  const [sh, sw] = geo.strides;
  const [oh, ow] = geo.outSize;
  const [t, l, bo, r] = geo.pads;
  const [hp, wp] = [h + t + bo, w + l + r];
  let xt = b.op('Reshape', [b.op('Transpose', [b.op('Reshape', [X, b.constInt64([-1, c * h * w])])], { perm: [1, 0] }), b.constInt64([c, h, w, -1])]);
  if (geo.pads.some((p) => p !== 0)) xt = b.op('Pad', [xt, b.constInt64([0, t, l, 0, 0, bo, r, 0])]);
  const pixels: number[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) pixels.push((y * sh + i) * wp + x * sw + j);
    }
  }
  const gathered = b.op('Gather', [b.op('Reshape', [xt, b.constInt64([c, hp * wp, -1])]), b.constInt64(pixels)], { axis: 1 });
  const patches = b.op('Reshape', [gathered, b.constInt64([c * kh * kw, -1])]);
  const gT = b.op('Reshape', [b.op('Transpose', [b.op('Reshape', [g, b.constInt64([-1, oh * ow])])], { perm: [1, 0] }), b.constInt64([-1, o])]);
  const cio = b.op('Reshape', [b.op('Gemm', [patches, gT]), b.constInt64([c, kh, kw, o])]);
  return b.op('Transpose', [cio], { perm: [3, 0, 1, 2] });
}
