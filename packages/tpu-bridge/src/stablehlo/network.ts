/**
 * The model's forward pass as StableHLO over the spec's layer graph, recorded on a tape
 * for reverse mode.
 *
 * 1. Walk the layers in order (the spec's order is topological); each reads the values
 *    its `inputs` name ("input" is the model input) and its own layout entries; its rule
 *    returns its output, a backward closure and, for stateful layers, new non-trainable state.
 * 2. A layer's activation is its own step after the rule, except a final softmax or sigmoid
 *    the loss fuses (resolveLoss: output 'fused'): the loss works on the logits before it,
 *    and `predict` applies it itself.
 * 3. backward(dlogits) visits the layers in reverse, summing the cotangents of a value read
 *    by several layers (skip connections), and returns one gradient per trainable layout
 *    entry, in layout order (the trainable entries are the layout's prefix).
 */
import type { LayerShapes } from '@syncline/core';
import type { Builder } from './builder';
import { activationRule } from './layers/activation';
import { GRAPH_RULES, SINGLE_RULES } from './layers/index';
import type { RuleContext } from './layers/layer-rule';
import type { ModelPlan } from './model-plan';
import { refuseUnsupported } from './pjrt-support';
import type { Value } from './tensor-type';

export interface NetworkForward {
  /** The output [batch, width], before a final activation the loss fuses. */
  readonly logits: Value;
  /** New values of non-trainable layout entries (training only), by layout index. */
  readonly updates: ReadonlyMap<number, Value>;
  /** Gradients of every trainable entry (layout order) given d(loss)/d(logits). */
  backward(dlogits: Value): Value[];
}

interface TapeEntry {
  readonly ls: LayerShapes;
  /** Layout index of each of the layer's trainable entries, in order. */
  readonly trainable: readonly number[];
  /** Cotangent of the rule's output -> cotangents of its inputs and its gradients. */
  readonly ruleBackward: (dy: Value) => { dxs: (Value | null)[]; grads: Value[] };
  readonly activationBackward: ((dy: Value) => Value) | null;
}

export function forwardNetwork(b: Builder, plan: ModelPlan, x: Value, params: readonly Value[], ctx: RuleContext): NetworkForward {
  const { spec, shapes, layout } = plan;
  refuseUnsupported(spec, shapes);
  const index = new Map(layout.entries.map((e, i) => [e.name, i]));
  const values = new Map<string, Value>([['input', x]]);
  const updates = new Map<number, Value>();
  const tape: TapeEntry[] = [];
  shapes.forEach((ls, i) => {
    const entries = ls.params.map((p) => index.get(p.name)!);
    const own = entries.map((e) => params[e]!);
    const xs = ls.inputs.map((name) => values.get(name)!);
    const single = SINGLE_RULES[ls.layer.type];
    const graph = GRAPH_RULES[ls.layer.type]!;
    let y: Value;
    let ruleBackward: TapeEntry['ruleBackward'];
    let newState: readonly Value[] | undefined;
    if (single) {
      const out = single(b, xs[0]!, own, ls, ctx);
      const needDx = ls.inputs[0] !== 'input';
      ruleBackward = (dy) => {
        const r = out.backward(dy, needDx);
        return { dxs: [r.dx], grads: r.grads };
      };
      ({ y, updates: newState } = out);
    } else {
      const out = graph(b, xs, own, ls, ctx);
      ruleBackward = out.backward;
      ({ y, updates: newState } = out);
    }
    const stateEntries = entries.filter((_, k) => ls.params[k]!.trainable === false);
    newState?.forEach((v, k) => updates.set(stateEntries[k]!, v));
    const act = 'activation' in ls.layer ? ls.layer.activation : 'linear';
    let activationBackward: TapeEntry['activationBackward'] = null;
    if (act !== 'linear' && !(i === shapes.length - 1 && plan.loss.output === 'fused')) {
      const out = activationRule(b, y, act);
      activationBackward = (dy) => out.backward(dy, true).dx!;
      y = out.y;
    }
    values.set(ls.name, y);
    tape.push({ ls, trainable: entries.filter((_, k) => ls.params[k]!.trainable !== false), ruleBackward, activationBackward });
  });
  const trainableCount = layout.entries.filter((e) => e.trainable).length;
  return {
    logits: values.get(shapes[shapes.length - 1]!.name)!,
    updates,
    backward(dlogits: Value): Value[] {
      const grads = new Array<Value>(trainableCount);
      const cot = new Map<string, Value>([[shapes[shapes.length - 1]!.name, dlogits]]);
      for (let t = tape.length - 1; t >= 0; t--) {
        const { ls, trainable, ruleBackward, activationBackward } = tape[t]!;
        let dy = cot.get(ls.name);
        if (!dy) {
          // Not on any path to the output: its weights get zero gradients.
          trainable.forEach((e) => (grads[e] = b.constF(0, params[e]!.type.shape)));
          continue;
        }
        if (activationBackward) dy = activationBackward(dy);
        const { dxs, grads: g } = ruleBackward(dy);
        g.forEach((v, k) => (grads[trainable[k]!] = v));
        ls.inputs.forEach((name, k) => {
          const dx = dxs[k];
          if (name === 'input' || !dx) return;
          const prev = cot.get(name);
          cot.set(name, prev ? b.add(prev, dx) : dx);
        });
      }
      return grads;
    },
  };
}
