/**
 * Adam as tfjs-core computes it (AdamOptimizer.applyGradients), and AdamW (Keras' AdamW:
 * decoupled weight decay, never in the moments) when `weightDecay` is given:
 * 0. AdamW only: w *= 1 - lr weightDecay
 * 1. m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²
 * 2. w -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 */
import type { OptimizerSpec } from '@syncline/core';
import type { Value } from '../tensor-type';
import type { OptimizerRule } from './optimizer-rule';

type AdamSpec = Extract<OptimizerSpec, { name: 'adam' | 'adamw' }>;

export function adamRule(spec: AdamSpec): OptimizerRule {
  const { beta1, beta2, epsilon } = spec;
  const weightDecay = spec.name === 'adamw' ? spec.weightDecay : 0;
  return {
    name: spec.name,
    learningRate: spec.learningRate,
    slotNames: ['m', 'v'],
    update(b, params, grads, [ms, vs], t, lr) {
      const c1 = b.sub(b.constF(1), b.pow(b.constF(beta1), t));
      const c2 = b.sub(b.constF(1), b.pow(b.constF(beta2), t));
      const keep = weightDecay > 0 ? b.sub(b.constF(1), b.mul(lr, b.constF(weightDecay))) : null;
      const out = { params: [] as Value[], slots: [[], []] as Value[][] };
      params.forEach((w, i) => {
        const g = grads[i]!;
        const shape = w.type.shape;
        const m = b.add(b.scale(ms![i]!, beta1), b.scale(g, 1 - beta1));
        const v = b.add(b.scale(vs![i]!, beta2), b.scale(b.mul(g, g), 1 - beta2));
        const mHat = b.div(m, b.broadcast(c1, shape, []));
        const vHat = b.div(v, b.broadcast(c2, shape, []));
        const stepSize = b.div(mHat, b.add(b.unary('sqrt', vHat), b.constF(epsilon, shape)));
        const kept = keep ? b.mul(w, b.broadcast(keep, shape, [])) : w;
        out.params.push(b.sub(kept, b.mul(stepSize, b.broadcast(lr, shape, []))));
        out.slots[0]!.push(m);
        out.slots[1]!.push(v);
      });
      return out;
    },
  };
}
