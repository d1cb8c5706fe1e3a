/**
 * Geometry of 2-D windowed ops (Conv, MaxPool, AveragePool) read from a node: kernel,
 * strides, explicit pads [top, left, bottom, right] (auto_pad resolved as ONNX defines it),
 * and the input/output spatial sizes.
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { NodeProto } from '../../proto/onnx-proto';
import type { GradContext } from '../grad-rule';
import { attrInt, attrInts, attrString, describeNode } from '../node-attrs';

export interface WindowGeometry {
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly pads: [number, number, number, number];
  readonly inSize: [number, number];
  readonly outSize: [number, number];
}

export function windowGeometry(ctx: GradContext, node: NodeProto, kernelFromWeight?: readonly number[]): WindowGeometry {
  const xShape = ctx.shape(node.input[0]!);
  const yShape = ctx.shape(node.output[0]!);
  if (xShape.length !== 4) {
    throw new UnsupportedOperationError(
      'gradient rule',
      node.op_type,
      `rank-${xShape.length} inputs`,
      `${describeNode(node)}: only 2-D (NCHW) windows are differentiated`,
    );
  }
  const dil = attrInts(node, 'dilations', [1, 1]);
  if (dil.some((d) => d !== 1) || attrInt(node, 'group', 1) !== 1 || attrInt(node, 'ceil_mode', 0) !== 0) {
    throw new UnsupportedOperationError('gradient rule', node.op_type, 'dilations, groups or ceil_mode', `${describeNode(node)} uses one of them`);
  }
  const kernel = attrInts(node, 'kernel_shape', kernelFromWeight ?? []) as [number, number];
  const strides = attrInts(node, 'strides', [1, 1]) as [number, number];
  const inSize: [number, number] = [xShape[2]!, xShape[3]!];
  const outSize: [number, number] = [yShape[2]!, yShape[3]!];
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let pads = attrInts(node, 'pads', [0, 0, 0, 0]) as [number, number, number, number];
  if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = [0, 1].map((i) => Math.max((outSize[i]! - 1) * strides[i]! + kernel[i]! - inSize[i]!, 0));
    const small = total.map((t) => Math.floor(t / 2));
    const big = total.map((t, i) => t - small[i]!);
    pads = autoPad === 'SAME_UPPER' ? [small[0]!, small[1]!, big[0]!, big[1]!] : [big[0]!, big[1]!, small[0]!, small[1]!];
  }
  return { kernel, strides, pads, inSize, outSize };
}

/** ConvTranspose output_padding that makes its output exactly `inSize`. */
export function outputPadding(geo: WindowGeometry): [number, number] {
  return [0, 1].map((i) => {
    const natural = geo.strides[i]! * (geo.outSize[i]! - 1) + geo.kernel[i]! - geo.pads[i]! - geo.pads[i + 2]!;
    return geo.inSize[i]! - natural;
  }) as [number, number];
}
