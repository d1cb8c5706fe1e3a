/**
 * Pad in constant mode (PyTorch emits it before pooling): the gradient is g with the
 * padding sliced off, dX = g[begin_i : begin_i + X_i] per axis. The pads must be a
 * constant (initializer or Constant node); other modes fail naming the node.
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { GradRule } from '../grad-rule';
import { attrString, describeNode } from '../node-attrs';

export const padGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g || !needed[0]) return [];
  const { b } = ctx;
  const pads = node.input[1] ? ctx.constInts?.(node.input[1]) : undefined;
  if (attrString(node, 'mode', 'constant') !== 'constant' || !pads || node.input[3]) {
    throw new UnsupportedOperationError(
      'gradient rule',
      'Pad',
      'non-constant modes, computed pads or axes',
      `${describeNode(node)}: only constant-mode Pad with constant pads is differentiated`,
    );
  }
  const rank = pads.length / 2;
  if (pads.every((p) => p === 0)) return [g];
  const axes = Array.from({ length: rank }, (_, i) => i);
  const starts = pads.slice(0, rank);
  // Slice ends: drop `end` pads; a negative end counts from the back (INT64 max when 0).
  const ends = pads.slice(rank).map((p) => (p === 0 ? Number.MAX_SAFE_INTEGER : -p));
  if (starts.some((p) => p < 0) || pads.slice(rank).some((p) => p < 0)) {
    throw new UnsupportedOperationError('gradient rule', 'Pad', 'negative pads (cropping)', describeNode(node));
  }
  return [b.op('Slice', [g, b.constInt64(starts), b.constInt64(ends), b.constInt64(axes)])];
};
