/** Plain SGD as tfjs-core computes it: w -= lr g. No slots. */
import type { OptimizerSpec } from '@syncline/core';
import type { OptimizerRule } from './optimizer-rule';

type SgdSpec = Extract<OptimizerSpec, { name: 'sgd' }>;

export function sgdRule(spec: SgdSpec): OptimizerRule {
  return {
    name: 'sgd',
    learningRate: spec.learningRate,
    slotNames: [],
    update: (b, params, grads, _slots, _t, lr) => ({ params: params.map((w, i) => b.sub(w, b.mul(grads[i]!, b.broadcast(lr, w.type.shape, [])))), slots: [] }),
  };
}
