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
import type { GraphBuilder } from '../graph-builder';

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

/** int64 [1]: MLAS' channel block, computed once per graph. */
function blockSize(b: GraphBuilder): string {
  let bs = blockSizes.get(b);
  if (!bs) {
    const probe = nchwcOp(b, 'ReorderInput', [b.constFloat(new Float32Array(4), [1, 4, 1, 1])]);
    bs = b.op('Gather', [b.op('Shape', [probe]), b.constInt64([1])], { axis: 0 });
    blockSizes.set(b, bs);
  }
  return bs;
}

function nchwcOp(b: GraphBuilder, op: string, inputs: readonly string[], attrs: Parameters<GraphBuilder['op']>[2] = {}): string {
  const out = b.op(op, inputs, attrs);
  b.nodes[b.nodes.length - 1]!.domain = NCHWC;
  return out;
}

/** Y = Conv(x, w) (NCHW in and out, OIHW w, no bias), run as NCHWc. */
export function nchwcConv(b: GraphBuilder, x: string, w: string, s: ConvShape): string {
  const bs = blockSize(b);
  const [kh, kw] = s.kernel;
  const dims = b.op('Concat', [b.op('Div', [b.constInt64([s.o]), bs]), bs, b.op('Div', [b.constInt64([s.c]), bs]), bs, b.constInt64([kh * kw])], { axis: 0 });
  const blocked = b.op('Transpose', [b.op('Reshape', [w, dims])], { perm: [0, 2, 4, 3, 1] });
  const filter = b.op('Reshape', [blocked, b.constInt64([s.o, s.c, kh, kw])]);
  const y = nchwcOp(b, 'Conv', [nchwcOp(b, 'ReorderInput', [x]), filter], { kernel_shape: [kh, kw], strides: [...s.strides], pads: [...s.pads] });
  return nchwcOp(b, 'ReorderOutput', [y], { channels: s.o });
}
