/**
 * Slice with unit steps: the gradient is g padded with zeros back to the input's shape,
 * begin = the clamped start and end = dim - the clamped end on each sliced axis. Starts,
 * ends and axes must be constants and the sliced axes of static size (PyTorch's packed
 * attention weights and their Slice-split projections are).
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { GradRule } from '../grad-rule';
import { describeNode } from '../node-attrs';

export const sliceGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g || !needed[0]) return [];
  const { b } = ctx;
  const [x, startsName, endsName, axesName, stepsName] = node.input as [string, string, string, string | undefined, string | undefined];
  const shape = ctx.shape(x);
  const rank = shape.length;
  const refuse = (why: string): never => {
    throw new UnsupportedOperationError('gradient rule', 'Slice', why, describeNode(node));
  };
  const ints = (name: string | undefined): number[] | undefined => (name ? ctx.constInts?.(name) : undefined);
  const starts = ints(startsName) ?? refuse('non-constant starts');
  const ends = ints(endsName) ?? refuse('non-constant ends');
  const axes = axesName ? (ints(axesName) ?? refuse('non-constant axes')) : starts.map((_, i) => i);
  const steps = stepsName ? (ints(stepsName) ?? refuse('non-constant steps')) : starts.map(() => 1);
  if (steps.some((s) => s !== 1)) refuse('steps other than 1');
  const pads = new Array<number>(2 * rank).fill(0);
  axes.forEach((a0, k) => {
    const a = a0 < 0 ? a0 + rank : a0;
    const dim = shape[a]!;
    if (!(dim >= 0)) refuse(`a slice along axis ${a}, whose size is not static`);
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    pads[a] = clamp(starts[k]!);
    pads[a + rank] = dim - clamp(ends[k]!);
  });
  return [b.op('Pad', [g, b.constInt64(pads)])];
};
