/**
 * Optimizers over flat Float32Arrays with exactly tfjs-core 4.22's update formulas and
 * core's spec defaults, so a model trains the same on backend-tfjs and here. State is the
 * backend-neutral OptimizerState {name, step, slots}; slots are laid out like the weights.
 */
import type { OptimizerState } from '@syncline/core';

export interface FlatOptimizer {
  readonly name: string;
  /**
   * Updates `weights` in place with a (mean) gradient of the same length; with `start`
   * and `end`, only elements [start, end) (and their slots) change. The step advances.
   */
  apply(weights: Float32Array, gradient: Float32Array, start?: number, end?: number): void;
  exportState(): OptimizerState;
  importState(state: OptimizerState): void;
}
