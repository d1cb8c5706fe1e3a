/**
 * Conv (2-D, NCHW, OIHW weights), gradients of the summed loss:
 * 1. dX = ConvTranspose(g, W) with the forward strides/pads and an output_padding that
 *    restores X's spatial size; for stride 1 with channel counts the NCHWc kernels take, a
 *    Conv with the flipped kernel instead (nchwcInputGrad: ~1.5x faster than ConvTranspose);
 * 2. dW = one GEMM over NHWC patches (im2colWeightGrad, below). (Tried first: a Conv over
 *    the batch axis, X^T [C,N,H,W] with g^T [O,N,OH,OW] as a stride-dilated kernel; ORT
 *    runs that as many skinny GEMMs, ~25% slower on the CNN preset's second conv.)
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
  const flipped = b.op('Slice', [
    b.op('Transpose', [W], { perm: [1, 0, 2, 3] }),
    b.constInt64([-1, -1]),
    b.constInt64([-kh - 1, -kw - 1]),
    b.constInt64([2, 3]),
    b.constInt64([-1, -1]),
  ]);
  return nchwcConv(b, g, flipped, s);
}

/** From this many input channels the patches are one Gather (rows of C floats); below, Slices (stem convs on 1-3 channel images: a Gather of single floats ran 3.3 ms vs ~0.6). */
const GATHER_MIN_CHANNELS = 8;

/**
 * dW as one GEMM over NHWC patches: the (padded) NHWC input's windows as rows ordered
 * (n, oh, ow) and columns (i, j, c) (gatherPatches or slicePatches); g as [O, (n, oh, ow)]
 * (one Transpose of N and O) times patches is then the kernel in OHWI order, transposed here
 * to the node's OIHW. Measured on the ResNet bench step at batch 64, identical or ~1e-6
 * relative outputs: [O, 9C] out rather than [9C, O] ~3% faster; the one Gather instead of
 * KH*KW Slices + Concat ~7%; g as [O, NP] with no transA rather than NHWC [NP, O] with
 * transA ~8% (MLAS packs a transposed A per K block).
 */
function im2colWeightGrad(ctx: GradContext, X: string, g: string, geo: WindowGeometry, wShape: readonly number[]): string {
  const { b } = ctx;
  const [o, c, kh, kw] = wShape as [number, number, number, number];
  let xh = b.op('Transpose', [X], { perm: [0, 2, 3, 1] });
  let [hp, wp] = geo.inSize;
  if (geo.pads.some((p) => p !== 0)) {
    const [t, l, bo, r] = geo.pads;
    xh = b.op('Pad', [xh, b.constInt64([0, t, l, 0, 0, bo, r, 0])]);
    hp += t + bo;
    wp += l + r;
  }
  const patches = b.op('Reshape', [
    c >= GATHER_MIN_CHANNELS ? gatherPatches(ctx, xh, geo, c, hp, wp) : slicePatches(ctx, xh, geo),
    b.constInt64([-1, kh * kw * c]),
  ]);
  const g2 = b.op('Reshape', [b.op('Transpose', [g], { perm: [1, 0, 2, 3] }), b.constInt64([o, -1])]);
  const ohwi = b.op('Reshape', [b.op('Gemm', [g2, patches]), b.constInt64([o, kh, kw, c])]);
  return b.op('Transpose', [ohwi], { perm: [0, 3, 1, 2] });
}

/** [N, OH * OW * KH * KW, C]: one Gather of C-float pixel rows of the padded NHWC input, rows ordered (oh, ow, i, j). */
function gatherPatches({ b }: GradContext, xh: string, geo: WindowGeometry, c: number, hp: number, wp: number): string {
  const [kh, kw] = geo.kernel;
  const [sh, sw] = geo.strides;
  const [oh, ow] = geo.outSize;
  const rows: number[] = [];
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) rows.push((y * sh + i) * wp + x * sw + j);
    }
  }
  return b.op('Gather', [b.op('Reshape', [xh, b.constInt64([0, hp * wp, c])]), b.constInt64(rows)], { axis: 1 });
}

/** [N, OH, OW, KH * KW, C]: one strided Slice of the padded NHWC input per kernel offset, stacked (few channels: Gather copies single floats slowly). */
function slicePatches({ b }: GradContext, xh: string, geo: WindowGeometry): string {
  const [kh, kw] = geo.kernel;
  const [sh, sw] = geo.strides;
  const [oh, ow] = geo.outSize;
  const axes = b.constInt64([1, 2]);
  const steps = b.constInt64([sh, sw]);
  const cols: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const s = b.op('Slice', [xh, b.constInt64([i, j]), b.constInt64([i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1]), axes, steps]);
      cols.push(b.op('Unsqueeze', [s, b.constInt64([3])]));
    }
  }
  return cols.length === 1 ? cols[0]! : b.op('Concat', cols, { axis: 3 });
}
