/**
 * Training-mode BatchNormalization, expanded into primitive ops in place (so the autodiff
 * rules for ReduceMean/Sub/Mul/Sqrt/Reciprocal/Add give its exact gradient, batch
 * statistics included):
 * 1. mu = mean(X), var = mean((X - mu)^2) over every axis but 1 (biased, as ONNX defines it);
 * 2. Y = (X - mu) / sqrt(var + eps) * scale + B;
 * 3. new running stats = running * momentum + batch stat * (1 - momentum) (ONNX's
 *    convention; PyTorch's momentum m is ONNX's 1 - m), returned as extra outputs the
 *    replica copies back into its non-trainable weight entries after each step.
 */
import type { NodeProto } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';
import { attrFloat } from './node-attrs';

/** Default-opset version from which ReduceMean takes its axes as an input. */
const REDUCE_AXES_AS_INPUT_OPSET = 18;

export interface StateUpdate {
  /** Weight entry (initializer) name, e.g. the running mean. */
  readonly entry: string;
  /** Graph output holding its new value. */
  readonly output: string;
}

export function expandTrainingBatchNorm(b: GraphBuilder, rankOf: (value: string) => number, opset: number): StateUpdate[] {
  const updates: StateUpdate[] = [];
  for (let i = 0; i < b.nodes.length; i++) {
    const n: NodeProto = b.nodes[i]!;
    if (n.op_type !== 'BatchNormalization') continue;
    const start = b.nodes.length;
    const [x, scale, bias, mean, variance] = n.input as [string, string, string, string, string];
    const eps = attrFloat(n, 'epsilon', 1e-5);
    const momentum = attrFloat(n, 'momentum', 0.9);
    const rank = rankOf(x);
    const axes = [0, ...Array.from({ length: rank - 2 }, (_, k) => k + 2)];
    const reduceMean = (v: string): string =>
      opset >= REDUCE_AXES_AS_INPUT_OPSET ? b.op('ReduceMean', [v, b.constInt64(axes)], { keepdims: 1 }) : b.op('ReduceMean', [v], { axes, keepdims: 1 });
    const channel = b.constInt64([1, -1, ...new Array<number>(rank - 2).fill(1)]);
    const mu = reduceMean(x);
    const xc = b.op('Sub', [x, mu]);
    const batchVar = reduceMean(b.op('Mul', [xc, xc]));
    const invStd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [batchVar, b.scalar(eps)])])]);
    const scaled = b.op('Mul', [b.op('Mul', [xc, invStd]), b.op('Reshape', [scale, channel])]);
    b.node('Add', [scaled, b.op('Reshape', [bias, channel])], [n.output[0]!]);
    const flat = b.constInt64([-1]);
    const blend = (running: string, batch: string): string =>
      b.op('Add', [b.op('Mul', [running, b.scalar(momentum)]), b.op('Mul', [b.op('Reshape', [batch, flat]), b.scalar(1 - momentum)])]);
    updates.push({ entry: mean, output: blend(mean, mu) }, { entry: variance, output: blend(variance, batchVar) });
    const added = b.nodes.splice(start);
    b.nodes.splice(i, 1, ...added);
    i += added.length - 1;
  }
  return updates;
}
