/**
 * Training-mode BatchNormalization: batch statistics from primitive ops, the normalization
 * itself as one inference-form BatchNormalization node fed those statistics, and a closed-form
 * backward for that node (rules/batch-norm-batch-stats.ts) instead of differentiating the
 * ~10 expanded elementwise ops (on resnet-small that expansion's backward was ~100 ORT nodes):
 * 1. mu = mean(X), xc = X - mu, var = mean(xc^2) over every axis but 1 (biased, as ONNX
 *    defines it), invStd = 1 / sqrt(var + eps);
 * 2. Y = BatchNormalization(X, scale, B, mu, var) (training_mode 0: ORT's one-pass kernel);
 *    the node is recorded with xc and invStd (batchStatsOf) so its gradient rule takes the
 *    batch statistics' dependence on X into account in closed form, and returns nothing
 *    for the mu/var inputs (no gradient flows back through the statistics' ops);
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

/** What the closed-form backward of a batch-statistics BatchNormalization node reads. */
export interface BatchStats {
  /** X - mean, shape of X. */
  readonly xc: string;
  /** 1 / sqrt(var + eps), shape [1, C, 1, ...]. */
  readonly invStd: string;
  /** The reduced axes (every axis but 1). */
  readonly axes: readonly number[];
}

const BATCH_STATS = new WeakMap<NodeProto, BatchStats>();

/** The batch statistics of a BatchNormalization node made by expandTrainingBatchNorm; undefined for any other node. */
export function batchStatsOf(node: NodeProto): BatchStats | undefined {
  return BATCH_STATS.get(node);
}

export function expandTrainingBatchNorm(b: GraphBuilder, rankOf: (value: string) => number, opset: number): StateUpdate[] {
  const updates: StateUpdate[] = [];
  for (let i = 0; i < b.nodes.length; i++) {
    const n: NodeProto = b.nodes[i]!;
    if (n.op_type !== 'BatchNormalization' || BATCH_STATS.has(n)) continue;
    const start = b.nodes.length;
    const [x, scale, bias, mean, variance] = n.input as [string, string, string, string, string];
    const eps = attrFloat(n, 'epsilon', 1e-5);
    const momentum = attrFloat(n, 'momentum', 0.9);
    const rank = rankOf(x);
    const axes = [0, ...Array.from({ length: rank - 2 }, (_, k) => k + 2)];
    const reduceMean = (v: string): string =>
      opset >= REDUCE_AXES_AS_INPUT_OPSET ? b.op('ReduceMean', [v, b.constInt64(axes)], { keepdims: 1 }) : b.op('ReduceMean', [v], { axes, keepdims: 1 });
    const mu = reduceMean(x);
    const xc = b.op('Sub', [x, mu]);
    const batchVar = reduceMean(b.op('Mul', [xc, xc]));
    const invStd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [batchVar, b.scalar(eps)])])]);
    const flat = b.constInt64([-1]);
    const mu1 = b.op('Reshape', [mu, flat]);
    const var1 = b.op('Reshape', [batchVar, flat]);
    b.node('BatchNormalization', [x, scale, bias, mu1, var1], [n.output[0]!], { epsilon: { f: eps } });
    BATCH_STATS.set(b.nodes[b.nodes.length - 1]!, { xc, invStd, axes });
    const blend = (running: string, batch: string): string =>
      b.op('Add', [b.op('Mul', [running, b.scalar(momentum)]), b.op('Mul', [batch, b.scalar(1 - momentum)])]);
    updates.push({ entry: mean, output: blend(mean, mu1) }, { entry: variance, output: blend(variance, var1) });
    const added = b.nodes.splice(start);
    b.nodes.splice(i, 1, ...added);
    i += added.length - 1;
  }
  return updates;
}
