/**
 * SGD with momentum, as tf.train.momentum. Slot "momentum" (tfjs's accumulation):
 * 1. a = mu * a + g
 * 2. w -= lr * a            (nesterov: w -= lr * (g + mu * a), with the new a)
 */
import { SlotOptimizer } from './flat-optimizer';

export class FlatMomentum extends SlotOptimizer {
  constructor(
    size: number,
    private readonly learningRate: number,
    private readonly momentum: number,
    private readonly nesterov: boolean,
  ) {
    super('momentum', size, ['momentum']);
  }

  protected update(w: Float32Array, g: Float32Array, _t: number, start: number, end: number): void {
    const a = this.slots['momentum']!;
    const { momentum: mu, nesterov } = this;
    const lr = this.learningRate * this.lrScale;
    for (let i = start; i < end; i++) {
      const gi = g[i]!;
      a[i] = mu * a[i]! + gi;
      const ai = a[i]!;
      w[i] = w[i]! - lr * (nesterov ? gi + mu * ai : ai);
    }
  }
}
