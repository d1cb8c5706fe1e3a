/**
 * 2-D convolutions through ONNX Runtime's NCHWc kernels (com.microsoft.nchwc: ReorderInput,
 * Conv, ReorderOutput), which ORT's own optimizer uses only for constant weights. Trained
 * weights are graph inputs, so ORT keeps plain Conv/ConvTranspose (im2col + GEMM per image);
 * on resnet-small's 32/64-channel 3x3 convs at batch 64 the NCHWc path ran 1.4-1.6x faster,
 * the filter reorder in the graph included. Here:
 * 1. the channel block B is MLAS's (8 with AVX2, 16 with AVX-512), read at run time as the
 *    channel count ReorderInput gives a constant 4-channel tensor, so one graph fits both;
 * 2. the OIHW filter becomes OIHWBiBo ([O/B, I/B, KH*KW, Bi, Bo]) by Reshape/Transpose;
 * 3. used on x64 only (MLAS' NCHWc kernels; arm64 builds may lack them) and when input and
 *    output channels are multiples of 16 (no channel padding for either block size).
 */
import type { NodeProto } from '../../proto/onnx-proto';
import type { GraphBuilder } from '../graph-builder';
import type { GradContext } from '../grad-rule';
import { windowGeometry, type WindowGeometry } from './window-geometry';

const NCHWC = 'com.microsoft.nchwc';
/** Channel counts must be multiples of this (MLAS' largest block). */
const CHANNEL_MULTIPLE = 16;

export interface ConvShape {
  readonly o: number;
  readonly c: number;
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
}

export function nchwcApplies(s: ConvShape): boolean {
  return process.arch === 'x64' && s.o % CHANNEL_MULTIPLE === 0 && s.c % CHANNEL_MULTIPLE === 0 && s.pads.every((p) => p >= 0);
}

const blockSizes = new WeakMap<GraphBuilder, string>();

/** int64 [1]: MLAS' channel block, computed once per graph by nodes placed first (so forward and backward nodes may read it). */
function blockSize(b: GraphBuilder): string {
  let bs = blockSizes.get(b);
  if (!bs) {
    const start = b.nodes.length;
    const probe = nchwcOp(b, 'ReorderInput', [b.constFloat(new Float32Array(4), [1, 4, 1, 1])]);
    bs = b.op('Gather', [b.op('Shape', [probe]), b.constInt64([1])], { axis: 0 });
    b.nodes.unshift(...b.nodes.splice(start));
    blockSizes.set(b, bs);
  }
  return bs;
}

/**
 * After differentiation (the rules read plain Conv nodes): every forward Conv the NCHWc
 * kernels take is replaced, in place, by the nodes of nchwcConv writing the same output.
 */
export function nchwcForwardConvs(ctx: GradContext, forward: readonly NodeProto[]): void {
  const { b } = ctx;
  for (const node of forward) {
    if (node.op_type !== 'Conv' || node.domain) continue;
    const w = ctx.shape(node.input[1]!);
    let geo: WindowGeometry;
    try {
      geo = windowGeometry(ctx, node, w.slice(2));
    } catch {
      continue; // grouped, dilated or not 2-D: left to ORT's Conv
    }
    const s: ConvShape = { o: w[0]!, c: w[1]!, kernel: geo.kernel, strides: geo.strides, pads: geo.pads };
    const at = b.nodes.indexOf(node);
    if (w.length !== 4 || at < 0 || !nchwcApplies(s)) continue;
    blockSize(b);
    const start = b.nodes.length;
    nchwcConv(b, node.input[0]!, node.input[1]!, s, node.input[2] || undefined, node.output[0]);
    b.nodes.splice(b.nodes.indexOf(node), 1, ...b.nodes.splice(start));
  }
}

function nchwcOp(b: GraphBuilder, op: string, inputs: readonly string[], attrs: Parameters<GraphBuilder['op']>[2] = {}): string {
  const out = b.op(op, inputs, attrs);
  b.nodes[b.nodes.length - 1]!.domain = NCHWC;
  return out;
}

/**
 * Y = Conv(x, w[, bias]) (NCHW in and out, OIHW w), run as NCHWc; `output` names Y (fresh if
 * undefined). flipped: w is the [C, O, KH, KW] kernel of a forward conv whose input gradient
 * this is, used with its channel axes swapped and its taps reversed (one Transpose for both).
 */
export function nchwcConv(b: GraphBuilder, x: string, w: string, s: ConvShape, bias?: string, output?: string, flipped = false): string {
  const bs = blockSize(b);
  const [kh, kw] = s.kernel;
  const [outer, inner] = flipped ? [s.c, s.o] : [s.o, s.c];
  const dims = b.op('Concat', [b.op('Div', [b.constInt64([outer]), bs]), bs, b.op('Div', [b.constInt64([inner]), bs]), bs, b.constInt64([kh * kw])], {
    axis: 0,
  });
  let split = b.op('Reshape', [w, dims]);
  if (flipped) split = b.op('Slice', [split, b.constInt64([-1]), b.constInt64([-kh * kw - 1]), b.constInt64([4]), b.constInt64([-1])]);
  const blocked = b.op('Transpose', [split], { perm: flipped ? [2, 0, 4, 1, 3] : [0, 2, 4, 3, 1] });
  const filter = b.op('Reshape', [blocked, b.constInt64([s.o, s.c, kh, kw])]);
  const attrs = { kernel_shape: [kh, kw], strides: [...s.strides], pads: [...s.pads] };
  const y = nchwcOp(b, 'Conv', [nchwcOp(b, 'ReorderInput', [x]), filter, ...(bias ? [bias] : [])], attrs);
  if (!output) return nchwcOp(b, 'ReorderOutput', [y], { channels: s.o });
  b.node('ReorderOutput', [y], [output], { channels: s.o });
  b.nodes[b.nodes.length - 1]!.domain = NCHWC;
  return output;
}
