/** Plain SGD, as tf.train.sgd: `w -= lr * g`. No slots. */
import { SlotOptimizer } from './flat-optimizer';

export class FlatSgd extends SlotOptimizer {
  constructor(
    size: number,
    private readonly learningRate: number,
  ) {
    super('sgd', size, []);
  }

  protected update(w: Float32Array, g: Float32Array, _t: number, start: number, end: number): void {
    const lr = this.learningRate * this.lrScale;
    for (let i = start; i < end; i++) w[i] = w[i]! - lr * g[i]!;
  }
}
