/** Plain SGD as tfjs-core computes it: w -= lr g. No slots. */
import type { OptimizerSpec } from '@syncline/core';
import type { OptimizerRule } from './optimizer-rule';

type SgdSpec = Extract<OptimizerSpec, { name: 'sgd' }>;

export function sgdRule(spec: SgdSpec): OptimizerRule {
  return {
    name: 'sgd',
    slotNames: [],
    update: (b, params, grads) => ({ params: params.map((w, i) => b.sub(w, b.scale(grads[i]!, spec.learningRate))), slots: [] }),
  };
}
