/**
 * Reverse-mode differentiation of an ONNX node list into more nodes of the same graph.
 * 1. forward sweep: mark every value that depends on a `wrt` value (not through Shape/Size,
 *    whose integer outputs carry no gradient);
 * 2. reverse sweep over the forward nodes: sum each output's gradient contributions
 *    (one Sum node when several), apply the op's rule for the inputs that need one;
 *    an op without a rule on the path fails here, naming op and node, before any training;
 * 3. return one gradient per `wrt` value (zeros of its shape when it does not reach the loss);
 *    the forward Convs ORT's NCHWc kernels take are then swapped for them (rules/nchwc-conv.ts).
 */
import { UnsupportedOperationError } from '@syncline/core';
import type { NodeProto } from '../proto/onnx-proto';
import type { GradContext } from './grad-rule';
import { describeNode } from './node-attrs';
import { GRAD_RULES } from './rules/index';
import { nchwcForwardConvs } from './rules/nchwc-conv';

/** Ops whose outputs describe a tensor's shape, not its values: no gradient flows through them (PyTorch's dynamic reshapes). */
const SHAPE_ONLY: ReadonlySet<string> = new Set(['Shape', 'Size']);

/**
 * @param forward the forward nodes (a snapshot: nodes appended later are not differentiated)
 * @param seeds value -> name of d(loss)/d(value), e.g. logits -> softmax - onehot
 * @param wrt values (parameters) whose gradients are returned, in order
 * @throws UnsupportedOperationError naming the op and node when a rule is missing
 */
export function differentiate(ctx: GradContext, forward: readonly NodeProto[], seeds: ReadonlyMap<string, string>, wrt: readonly string[]): string[] {
  const { b } = ctx;
  const live = new Set(wrt);
  for (const n of forward) if (!SHAPE_ONLY.has(n.op_type) && n.input.some((i) => live.has(i))) n.output.forEach((o) => o && live.add(o));
  checkRules(forward, live);

  const parts = new Map<string, string[]>();
  for (const [v, g] of seeds) parts.set(v, [g]);
  const total = (v: string): string | undefined => {
    const list = parts.get(v);
    if (!list || list.length === 0) return undefined;
    if (list.length > 1) parts.set(v, [b.op('Sum', list)]);
    return parts.get(v)![0];
  };

  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k]!;
    if (!node.output.some((o) => live.has(o))) continue;
    const gys = node.output.map((o) => (o ? total(o) : undefined));
    if (gys.every((g) => g === undefined)) continue;
    const needed = node.input.map((i) => live.has(i));
    if (!needed.some(Boolean)) continue;
    const rule = GRAD_RULES.get(node.op_type)!;
    const gxs = rule(ctx, node, gys, needed);
    node.input.forEach((inp, i) => {
      const gx = gxs[i];
      if (gx && needed[i]) (parts.get(inp) ?? parts.set(inp, []).get(inp)!).push(gx);
    });
  }
  const grads = wrt.map((w) => total(w) ?? b.op('ConstantOfShape', [b.op('Shape', [w])]));
  nchwcForwardConvs(ctx, forward);
  return grads;
}

/** Fails before training when an op between a parameter and the loss has no rule. */
export function checkRules(forward: readonly NodeProto[], live: ReadonlySet<string>): void {
  for (const n of forward) {
    if (n.output.some((o) => live.has(o)) && !GRAD_RULES.has(n.op_type)) {
      throw new UnsupportedOperationError(
        'gradient rule',
        n.op_type,
        'training',
        `${describeNode(n)} has no reverse-mode rule in @syncline/backend-onnx; freeze the parameters feeding it or replace the op`,
      );
    }
  }
}
