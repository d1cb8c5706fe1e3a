/**
 * RMSProp (not centered) as tfjs-core computes it (RMSPropOptimizer):
 * 1. ms = rho ms + (1 - rho) g²
 * 2. mom = momentum mom + lr g / sqrt(ms + eps)
 * 3. w -= mom
 */
import type { OptimizerSpec } from '@syncline/core';
import type { Value } from '../tensor-type';
import type { OptimizerRule } from './optimizer-rule';

type RmspropSpec = Extract<OptimizerSpec, { name: 'rmsprop' }>;

export function rmspropRule(spec: RmspropSpec): OptimizerRule {
  const { rho, momentum, epsilon } = spec;
  return {
    name: 'rmsprop',
    learningRate: spec.learningRate,
    slotNames: ['meanSquare', 'moment'],
    update(b, params, grads, [mss, moms], _t, lr) {
      const nextMs: Value[] = [];
      const nextMom: Value[] = [];
      const newParams = params.map((w, i) => {
        const g = grads[i]!;
        const shape = w.type.shape;
        const ms = b.add(b.scale(mss![i]!, rho), b.scale(b.mul(g, g), 1 - rho));
        const step = b.div(b.mul(g, b.broadcast(lr, shape, [])), b.unary('sqrt', b.add(ms, b.constF(epsilon, shape))));
        const mom = b.add(b.scale(moms![i]!, momentum), step);
        nextMs.push(ms);
        nextMom.push(mom);
        return b.sub(w, mom);
      });
      return { params: newParams, slots: [nextMs, nextMom] };
    },
  };
}
