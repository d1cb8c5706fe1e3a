/**
 * MaxPool (2-D): the gradient goes to each window's maximum.
 * 1. tiled windows (stride = kernel, no padding: the common 2x2 pool): tiledMaxPoolGrad
 *    below, no Indices output, so the forward MaxPool keeps ORT's fast NCHWc kernel (the
 *    Indices variant is a slow generic kernel, ~18% of the CNN step). (Tried and dropped:
 *    the same routing in NCHW via Expand, 6-D broadcasts over kw-element spans, or
 *    SpaceToDepth/DepthToSpace: all slower than Indices + MaxUnpool.)
 * 2. other non-overlapping windows: MaxUnpool(g, indices, shape(X)) with MaxPool's Indices
 *    output (added to the forward node when absent; flat NCHW offsets into X);
 * 3. overlapping windows (stride < kernel): ScatterElements with reduction "add" into a
 *    zero vector of X's size, reshaped to X, so shared maxima accumulate.
 */
import type { GradContext, GradRule } from '../grad-rule';
import { windowGeometry, type WindowGeometry } from './window-geometry';

export const maxPoolGrad: GradRule = (ctx, node, [g]) => {
  if (!g) return [];
  const { b } = ctx;
  const geo = windowGeometry(ctx, node);
  const tiled = geo.strides[0] === geo.kernel[0] && geo.strides[1] === geo.kernel[1] && geo.pads.every((p) => p === 0);
  if (tiled) return [tiledMaxPoolGrad(ctx, node.input[0]!, node.output[0]!, g, geo)];
  if (node.output.length < 2 || !node.output[1]) node.output[1] = b.fresh('maxpool_indices');
  const indices = node.output[1]!;
  const xShape = b.op('Shape', [node.input[0]!]);
  const overlapping = geo.strides[0] < geo.kernel[0] || geo.strides[1] < geo.kernel[1];
  if (!overlapping) {
    return [b.op('MaxUnpool', [g, indices, xShape], { kernel_shape: geo.kernel, strides: geo.strides, pads: geo.pads })];
  }
  const flat = b.constInt64([-1]);
  const zeros = b.op('ConstantOfShape', [b.op('ReduceProd', [xShape], { keepdims: 1 })]);
  const scattered = b.op('ScatterElements', [zeros, b.op('Reshape', [indices, flat]), b.op('Reshape', [g, flat])], {
    axis: 0,
    reduction: 'add',
  });
  return [b.op('Reshape', [scattered, xShape])];
};

const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];

/**
 * Tiled windows (stride = kernel, no padding) without the Indices output:
 * 1. in NHWC, X [N, kh*OH, kw*OW, C] is a free reshape to [N, OH, kh, OW, kw, C] and Y, g
 *    to [N, OH, 1, OW, 1, C], so Equal/Where broadcast over whole C-element spans;
 * 2. g goes where X == Y, split equally among a window's tied maxima (real images have
 *    flat regions whose conv outputs tie exactly; giving each tie all of g multiplied the
 *    gradient there): hits (X == Y as 0/1) times g / (hits summed over the window), a Mul
 *    (ORT's broadcasting Where took twice as long); the result reshapes back to NHWC and
 *    transposes to NCHW (a conv rule's NHWC transpose of it then cancels in ORT's
 *    transpose optimizer);
 * 3. rows/columns left over by floor division get zero gradient (Pad).
 * tfjs and TF give a tie's whole g to its first maximum instead; where tied outputs come
 * from identical input patches (the usual case) both give the same weight gradients.
 */
function tiledMaxPoolGrad(ctx: GradContext, x: string, y: string, g: string, geo: WindowGeometry): string {
  const { b } = ctx;
  const [kh, kw] = geo.kernel;
  const [oh, ow] = geo.outSize;
  const [h, w] = geo.inSize;
  const c = ctx.shape(x)[1]!;
  const cropped = oh * kh !== h || ow * kw !== w;
  const xc = cropped ? b.op('Slice', [x, b.constInt64([0, 0]), b.constInt64([oh * kh, ow * kw]), b.constInt64([2, 3])]) : x;
  const windows = b.constInt64([0, oh, kh, ow, kw, c]);
  const single = b.constInt64([0, oh, 1, ow, 1, c]);
  const nhwc = (v: string, shape: string): string => b.op('Reshape', [b.op('Transpose', [v], { perm: TO_NHWC }), shape]);
  const hit = b.op('Equal', [nhwc(xc, windows), nhwc(y, single)]);
  // ties (flat image regions give exactly equal maxima) share g: a valid subgradient
  const hits = b.op('Cast', [hit], { to: 1 });
  const routed = b.op('Mul', [hits, b.op('Div', [nhwc(g, single), windowSum(ctx, hits, kh, kw)])]);
  const dx = b.op('Transpose', [b.op('Reshape', [routed, b.constInt64([0, oh * kh, ow * kw, c])])], { perm: TO_NCHW });
  if (!cropped) return dx;
  return b.op('Pad', [dx, b.constInt64([0, 0, 0, 0, 0, 0, h - oh * kh, w - ow * kw])]);
}

/**
 * Sum over the window axes (2 and 4) of [N, OH, kh, OW, kw, C] as strided Slices and
 * Adds: ORT's ReduceSum over those axes is a slow generic loop (13% of the CNN step).
 */
function windowSum(ctx: GradContext, v: string, kh: number, kw: number): string {
  const { b } = ctx;
  const sumAxis = (x: string, axis: number, k: number): string => {
    let acc: string | undefined;
    for (let i = 0; i < k; i++) {
      const part = b.op('Slice', [x, b.constInt64([i]), b.constInt64([i + 1]), b.constInt64([axis])]);
      acc = acc ? b.op('Add', [acc, part]) : part;
    }
    return acc!;
  };
  return sumAxis(sumAxis(v, 4, kw), 2, kh);
}
