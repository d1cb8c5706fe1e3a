/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter), as Keras' AdamW applies
 * it: the decay shrinks the weight by lr * weightDecay before the Adam step, and never
 * enters the moments. Slots "m" and "v"; t is the 1-based step; lr is the scheduled rate:
 * 1. w -= lr * weightDecay * w
 * 2. m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g^2
 * 3. w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)   (FlatAdam's form)
 */
import type { AdamConfig } from './adam';
import { SlotOptimizer } from './flat-optimizer';

export interface AdamWConfig extends AdamConfig {
  readonly weightDecay: number;
}

export class FlatAdamW extends SlotOptimizer {
  constructor(
    size: number,
    private readonly config: AdamWConfig,
  ) {
    super('adamw', size, ['m', 'v']);
  }

  protected update(w: Float32Array, g: Float32Array, t: number, start: number, end: number): void {
    const m = this.slots['m']!;
    const v = this.slots['v']!;
    const { beta1: b1, beta2: b2, epsilon: eps, weightDecay } = this.config;
    const lr = this.config.learningRate * this.lrScale;
    const keep = 1 - lr * weightDecay;
    const correction1 = 1 - Math.pow(b1, t);
    const correction2 = 1 - Math.pow(b2, t);
    for (let i = start; i < end; i++) {
      const gi = g[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      w[i] = w[i]! * keep - (lr * (m[i]! / correction1)) / (Math.sqrt(v[i]! / correction2) + eps);
    }
  }
}
