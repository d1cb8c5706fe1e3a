/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter), as Keras' AdamW applies
 * it: the decay shrinks the weight by lr * weightDecay before the Adam step, and never
 * enters the moments. Slots "m" and "v"; t is the 1-based step; lr is the scheduled rate:
 * 1. w -= lr * weightDecay * w
 * 2. m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g^2
 * 3. w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)   (FlatAdam's form)
 */
import { FlatAdam, type AdamConfig } from './adam';

export interface AdamWConfig extends AdamConfig {
  readonly weightDecay: number;
}

/** FlatAdam's loop (slots, rounding, sharded ranges) with the weight first scaled by 1 - lr * weightDecay. */
export class FlatAdamW extends FlatAdam {
  constructor(
    size: number,
    private readonly decay: AdamWConfig,
  ) {
    super(size, decay, 'adamw');
  }

  protected override keep(lr: number): number {
    return 1 - lr * this.decay.weightDecay;
  }
}
