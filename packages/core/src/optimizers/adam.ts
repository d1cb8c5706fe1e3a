/**
 * Adam, as tf.train.adam (bias correction applied to both moments, epsilon outside
 * the square root). Slots "m" and "v"; t is the 1-based step:
 * 1. m = b1 * m + (1 - b1) * g
 * 2. v = b2 * v + (1 - b2) * g^2
 * 3. w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)   (AdamW first scales w, see keep)
 */
import { SlotOptimizer } from './flat-optimizer';

export interface AdamConfig {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export class FlatAdam extends SlotOptimizer {
  constructor(
    size: number,
    private readonly config: AdamConfig,
    name = 'adam',
  ) {
    super(name, size, ['m', 'v']);
  }

  /** What the weight is multiplied by before the step (1: plain Adam; AdamW's decoupled decay overrides it). */
  protected keep(_lr: number): number {
    return 1;
  }

  protected update(w: Float32Array, g: Float32Array, t: number, start: number, end: number): void {
    const m = this.slots['m']!;
    const v = this.slots['v']!;
    const { beta1: b1, beta2: b2, epsilon: eps } = this.config;
    const lr = this.config.learningRate * this.lrScale;
    const keep = this.keep(lr);
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
