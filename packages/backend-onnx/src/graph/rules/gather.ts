/**
 * Gather along axis 0 (an embedding lookup: rows of a table picked by token ids): the
 * table's gradient is g scattered back into its rows, with repeated ids adding up
 * (ScatterND with reduction "add", opset 16+). Indices get no gradient; other axes are
 * refused by name before training.
 */
import { UnsupportedOperationError } from '@syncline/core';
import { DataType } from '../../proto/onnx-proto';
import type { GradRule } from '../grad-rule';
import { attrInt, describeNode } from '../node-attrs';

export const gatherGrad: GradRule = (ctx, node, [g], needed) => {
  if (!g || !needed[0]) return [];
  if (attrInt(node, 'axis', 0) !== 0) throw new UnsupportedOperationError('gradient rule', 'Gather', 'an axis other than 0', describeNode(node));
  const { b } = ctx;
  const [data, indices] = node.input as [string, string];
  const zeros = b.op('ConstantOfShape', [b.op('Shape', [data])]);
  const rows = b.op('Unsqueeze', [b.op('Cast', [indices], { to: DataType.INT64 }), b.constInt64([-1])]);
  return [b.op('ScatterND', [zeros, rows, g], { reduction: 'add' })];
};
