/**
 * An optimizer's update as StableHLO, with tfjs-core 4.22's formulas so a step here
 * matches a step on backend-tfjs. Slots are per-parameter tensors shaped like the
 * parameter, stored slot-major (`slots[s][p]`), exported as OptimizerState slots.
 */
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';

export interface OptimizerUpdate {
  readonly params: Value[];
  readonly slots: Value[][];
}

export interface OptimizerRule {
  /** OptimizerState name ("adam", ...). */
  readonly name: string;
  /** The configured (unscheduled) learning rate. */
  readonly learningRate: number;
  /** Slot names, e.g. ["m", "v"] for adam. */
  readonly slotNames: readonly string[];
  /**
   * One update with mean gradients; `t` is the 1-based count of updates including
   * this one and `lr` this update's (scheduled) learning rate (f32 scalars).
   */
  update(b: Builder, params: readonly Value[], grads: readonly Value[], slots: readonly (readonly Value[])[], t: Value, lr: Value): OptimizerUpdate;
}
