/**
 * RMSProp (not centered), as tf.train.rmsprop. Slots "rms" and "momentum":
 * 1. rms = rho * rms + (1 - rho) * g^2
 * 2. mom = mu * mom + lr * g / sqrt(rms + eps)      (epsilon inside the square root)
 * 3. w -= mom
 */
import { SlotOptimizer } from './flat-optimizer';

export interface RmspropConfig {
  readonly learningRate: number;
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
}

export class FlatRmsprop extends SlotOptimizer {
  constructor(
    size: number,
    private readonly config: RmspropConfig,
  ) {
    super('rmsprop', size, ['rms', 'momentum']);
  }

  protected update(w: Float32Array, g: Float32Array, _t: number, start: number, end: number): void {
    const rms = this.slots['rms']!;
    const mom = this.slots['momentum']!;
    const { rho, momentum: mu, epsilon: eps } = this.config;
    const lr = this.config.learningRate * this.lrScale;
    for (let i = start; i < end; i++) {
      const gi = g[i]!;
      rms[i] = rho * rms[i]! + (1 - rho) * gi * gi;
      mom[i] = mu * mom[i]! + (lr * gi) / Math.sqrt(rms[i]! + eps);
      w[i] = w[i]! - mom[i]!;
    }
  }
}
