/**
 * Momentum as tfjs-core's MomentumOptimizer:
 * 1. acc = momentum acc + g
 * 2. w -= lr acc, or with Nesterov w -= lr (g + momentum acc)
 * Defaults from core's spec: lr 0.01, momentum 0.9, nesterov false.
 */
import type { OptimizerState } from '@syncline/core';
import type { FlatOptimizer } from './flat-optimizer';
import { readSlots } from './slots';

export interface MomentumConfig {
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
}

export class FlatMomentum implements FlatOptimizer {
  readonly name = 'momentum';
  readonly #acc: Float32Array;
  #step = 0;

  constructor(readonly config: MomentumConfig, size: number) {
    this.#acc = new Float32Array(size);
  }

  apply(w: Float32Array, g: Float32Array, start = 0, end = g.length): void {
    const { learningRate: lr, momentum: mu, nesterov } = this.config;
    const acc = this.#acc;
    for (let i = start; i < end; i++) {
      const a = mu * acc[i]! + g[i]!;
      acc[i] = a;
      w[i] = w[i]! - lr * (nesterov ? g[i]! + a * mu : a);
    }
    this.#step++;
  }

  exportState(): OptimizerState {
    return { name: this.name, step: this.#step, slots: { momentum: this.#acc.slice() } };
  }

  importState(state: OptimizerState): void {
    this.#step = readSlots(state, this.name, { momentum: this.#acc });
  }
}
