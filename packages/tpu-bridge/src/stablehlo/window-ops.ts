/**
 * Windowed StableHLO ops over NHWC tensors (convolution, reduce_window,
 * select_and_scatter) and the padding arithmetic their gradients need, following
 * TensorFlow's 'same'/'valid' rules and the transposition identities XLA's own autodiff
 * uses (JAX's _conv_general_vjp_lhs_padding / _rhs_padding).
 */
import type { Builder } from './builder';
import { i64Array, i64Matrix, type TensorType, type Value } from './tensor-type';

export type Pads = readonly (readonly [number, number])[];

/** TensorFlow padding for one spatial axis: 'valid' none; 'same' the total split low-first (low = floor(total / 2)). */
export function tfPadding(size: number, window: number, stride: number, padding: 'same' | 'valid'): [number, number] {
  if (padding === 'valid') return [0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Padding of the cotangent-side convolution that yields the input gradient (stride-dilated cotangent). */
export function vjpLhsPadding(inSize: number, window: number, stride: number, outSize: number, pad: readonly [number, number]): [number, number] {
  const outDilated = (outSize - 1) * stride + 1;
  const before = window - pad[0] - 1;
  const after = inSize + window - 1 - outDilated - before;
  return [before, after];
}

/** Padding of the input-side convolution that yields the kernel gradient. */
export function vjpRhsPadding(inSize: number, window: number, stride: number, outSize: number, pad: readonly [number, number]): [number, number] {
  const outDilated = (outSize - 1) * stride + 1;
  return [pad[0], outDilated - inSize + window - pad[0] - 1];
}

export interface ConvSpec {
  /** e.g. "[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]". */
  readonly dims: string;
  readonly strides: readonly number[];
  readonly padding: Pads;
  readonly lhsDilation: readonly number[];
  readonly rhsDilation: readonly number[];
}

export function convolution(b: Builder, lhs: Value, rhs: Value, spec: ConvSpec, outShape: readonly number[]): Value {
  const attrs =
    `{batch_group_count = 1 : i64, dimension_numbers = #stablehlo.conv<${spec.dims}>, feature_group_count = 1 : i64, ` +
    `lhs_dilation = ${i64Array(spec.lhsDilation)}, padding = ${i64Matrix(spec.padding)}, ` +
    `rhs_dilation = ${i64Array(spec.rhsDilation)}, window_strides = ${i64Array(spec.strides)}}`;
  return b.op('stablehlo.convolution', [lhs, rhs], { shape: outShape, dtype: 'f32' }, attrs);
}

export interface WindowSpec {
  readonly window: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Pads;
}

function windowAttrs(w: WindowSpec): string {
  return `padding = ${i64Matrix(w.padding)}, window_dimensions = ${i64Array(w.window)}, window_strides = ${i64Array(w.strides)}`;
}

/** Output shape of a window op (no dilation). */
export function windowShape(input: readonly number[], w: WindowSpec): number[] {
  return input.map((n, i) => Math.floor((n + w.padding[i]![0] + w.padding[i]![1] - w.window[i]!) / w.strides[i]!) + 1);
}

export function reduceWindow(b: Builder, v: Value, kind: 'add' | 'max', w: WindowSpec): Value {
  const init = kind === 'add' ? b.constF(0) : b.constF(-Infinity);
  const out: TensorType = { shape: windowShape(v.type.shape, w), dtype: v.type.dtype };
  return b.op('stablehlo.reduce_window', [v, init], out, `{${windowAttrs(w)}}`, [b.reducer(kind)]);
}

/** Routes each window's cotangent to the first maximal input (max-pool's gradient). */
export function selectAndScatter(b: Builder, operand: Value, source: Value, w: WindowSpec): Value {
  const init = b.constF(0);
  const scalar: TensorType = { shape: [], dtype: 'f32' };
  const select = b.region([scalar, scalar], (rb, [x, y]) => [rb.compare(x!, y!, 'GE')]);
  return b.op('stablehlo.select_and_scatter', [operand, source, init], operand.type, `{${windowAttrs(w)}}`, [select, b.reducer('add')]);
}
