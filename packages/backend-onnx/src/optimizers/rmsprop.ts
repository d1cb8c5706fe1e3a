/**
 * RMSProp (uncentred) as tfjs-core's RMSPropOptimizer:
 * 1. ms = rho ms + (1 - rho) g^2
 * 2. mom = momentum mom + lr g / sqrt(ms + eps)
 * 3. w -= mom
 * Defaults from core's spec: lr 0.001, rho 0.9, momentum 0, eps 1e-7.
 */
import type { OptimizerState } from '@syncline/core';
import type { FlatOptimizer } from './flat-optimizer';
import { readSlots } from './slots';

export interface RmspropConfig {
  readonly learningRate: number;
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
}

export class FlatRmsprop implements FlatOptimizer {
  readonly name = 'rmsprop';
  readonly #ms: Float32Array;
  readonly #mom: Float32Array;
  #step = 0;

  constructor(readonly config: RmspropConfig, size: number) {
    this.#ms = new Float32Array(size);
    this.#mom = new Float32Array(size);
  }

  apply(w: Float32Array, g: Float32Array, start = 0, end = g.length): void {
    const { learningRate: lr, rho, momentum: mu, epsilon: eps } = this.config;
    const ms = this.#ms;
    const mom = this.#mom;
    for (let i = start; i < end; i++) {
      const gi = g[i]!;
      const s = rho * ms[i]! + (1 - rho) * gi * gi;
      const m = mu * mom[i]! + (lr * gi) / Math.sqrt(s + eps);
      ms[i] = s;
      mom[i] = m;
      w[i] = w[i]! - m;
    }
    this.#step++;
  }

  exportState(): OptimizerState {
    return { name: this.name, step: this.#step, slots: { rms: this.#ms.slice(), momentum: this.#mom.slice() } };
  }

  importState(state: OptimizerState): void {
    this.#step = readSlots(state, this.name, { rms: this.#ms, momentum: this.#mom });
  }
}
