/** Plain SGD as tfjs-core's SGDOptimizer: w -= lr g (default lr 0.01). No slots. */
import type { OptimizerState } from '@syncline/core';
import type { FlatOptimizer } from './flat-optimizer';
import { readSlots } from './slots';

export class FlatSgd implements FlatOptimizer {
  readonly name = 'sgd';
  #step = 0;

  constructor(readonly config: { readonly learningRate: number }) {}

  apply(w: Float32Array, g: Float32Array, start = 0, end = g.length): void {
    const lr = this.config.learningRate;
    for (let i = start; i < end; i++) w[i] = w[i]! - lr * g[i]!;
    this.#step++;
  }

  exportState(): OptimizerState {
    return { name: this.name, step: this.#step, slots: {} };
  }

  importState(state: OptimizerState): void {
    this.#step = readSlots(state, this.name, {});
  }
}
