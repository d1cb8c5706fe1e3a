/**
 * Adam as tfjs-core's AdamOptimizer computes it, per element, at step t (1-based):
 * 1. m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 * 2. w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * Defaults come from core's spec (lr 0.001, b1 0.9, b2 0.999, eps 1e-7 = tfjs's backend epsilon).
 */
import type { OptimizerState } from '@syncline/core';
import type { FlatOptimizer } from './flat-optimizer';
import { readSlots } from './slots';

export interface AdamConfig {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export class FlatAdam implements FlatOptimizer {
  readonly name = 'adam';
  readonly #m: Float32Array;
  readonly #v: Float32Array;
  #step = 0;

  constructor(readonly config: AdamConfig, size: number) {
    this.#m = new Float32Array(size);
    this.#v = new Float32Array(size);
  }

  apply(w: Float32Array, g: Float32Array, start = 0, end = g.length): void {
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = this.config;
    const t = ++this.#step;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    const m = this.#m;
    const v = this.#v;
    for (let i = start; i < end; i++) {
      const gi = g[i]!;
      const mi = b1 * m[i]! + (1 - b1) * gi;
      const vi = b2 * v[i]! + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  }

  exportState(): OptimizerState {
    return { name: this.name, step: this.#step, slots: { m: this.#m.slice(), v: this.#v.slice() } };
  }

  importState(state: OptimizerState): void {
    this.#step = readSlots(state, this.name, { m: this.#m, v: this.#v });
  }
}
