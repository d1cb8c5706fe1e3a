/**
 * ONNX LayerNormalization nodes (PyTorch's nn.LayerNorm at opset 17) expanded in place into
 * the primitive ops of spec-norms.ts (ReduceMean, Sub, Mul, Sqrt, Reciprocal, Add), so the
 * autodiff rules give their exact gradient. Normalisation over the last axis only; a node
 * over more axes, or whose Mean / InvStdDev outputs are read, is refused by name.
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { NodeProto } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';
import { attrFloat, attrInt, describeNode } from './node-attrs';
import { emitLayerNorm } from './spec-norms';

/** @param rankOf rank of a value, batch axis included */
export function expandLayerNormalization(b: GraphBuilder, rankOf: (value: string) => number): number {
  let count = 0;
  for (let i = 0; i < b.nodes.length; i++) {
    const n: NodeProto = b.nodes[i]!;
    if (n.op_type !== 'LayerNormalization') continue;
    const [x, scale, bias] = n.input as [string, string, string | undefined];
    const rank = rankOf(x);
    const axis = attrInt(n, 'axis', -1);
    if ((axis < 0 ? axis + rank : axis) !== rank - 1) {
      throw new UnsupportedOperationError(
        'gradient rule',
        'LayerNormalization',
        `axis ${axis} of a rank-${rank} input`,
        `${describeNode(n)}: the last axis only`,
      );
    }
    const extra = n.output.slice(1).filter((o) => o && b.nodes.some((m) => m.input.includes(o)));
    if (extra.length > 0) throw new UnsupportedOperationError('gradient rule', 'LayerNormalization', 'its Mean / InvStdDev outputs', describeNode(n));
    const start = b.nodes.length;
    const y = emitLayerNorm(b, x, rank, attrFloat(n, 'epsilon', 1e-5), scale, bias || undefined);
    b.node('Identity', [y], [n.output[0]!]);
    const added = b.nodes.splice(start);
    b.nodes.splice(i, 1, ...added);
    i += added.length - 1;
    count++;
  }
  return count;
}
