/**
 * Momentum as tfjs-core computes it (MomentumOptimizer):
 * 1. a = momentum a + g
 * 2. w -= lr (g + momentum a) with Nesterov, else w -= lr a
 */
import type { OptimizerSpec } from '@syncline/core';
import type { Value } from '../tensor-type';
import type { OptimizerRule } from './optimizer-rule';

type MomentumSpec = Extract<OptimizerSpec, { name: 'momentum' }>;

export function momentumRule(spec: MomentumSpec): OptimizerRule {
  const { momentum, nesterov } = spec;
  return {
    name: 'momentum',
    learningRate: spec.learningRate,
    slotNames: ['accumulation'],
    update(b, params, grads, [accs], _t, lr) {
      const next: Value[] = [];
      const newParams = params.map((w, i) => {
        const g = grads[i]!;
        const a = b.add(b.scale(accs![i]!, momentum), g);
        next.push(a);
        const dir = nesterov ? b.add(g, b.scale(a, momentum)) : a;
        return b.sub(w, b.mul(dir, b.broadcast(lr, w.type.shape, [])));
      });
      return { params: newParams, slots: [next] };
    },
  };
}
