/**
 * Optimizers over flat Float32Arrays: the weights and the reduced gradient are one
 * buffer each (core's trainable layout), the slots are buffers of the same length, so
 * the state exports as core's OptimizerState without any per-tensor bookkeeping.
 *
 * Arithmetic: every element is computed in float64 from the stored float32 values and
 * rounded to float32 when stored, in index order. The formulas are tfjs's optimizers'
 * (tf.train.adam, sgd, momentum, rmsprop), checked against them in backend-tfjs's tests;
 * every orchestrated backend uses these, so a model trains the same on each.
 * A range [start, end) updates only those elements and their slots (sharded weight
 * updates: each replica applies its own range); the step count advances either way.
 */
import type { OptimizerState } from '../contracts/optimizer-state';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { ShapeMismatchError } from '../errors/shape-mismatch-error';

export interface FlatOptimizer {
  readonly name: string;
  /** Updates applied so far. */
  readonly step: number;
  /**
   * Applies one update to `weights` in place, to elements [start, end) only when given
   * (default: all). Both arrays have the optimizer's size.
   */
  apply(weights: Float32Array, gradients: Float32Array, start?: number, end?: number): void;
  /** A copy of the state (slots are fresh arrays). */
  exportState(): OptimizerState;
  /** Replaces the state; throws InvalidConfigError / ShapeMismatchError when it does not fit. */
  importState(state: OptimizerState): void;
}

/** Shared state handling: name, step count and named slot buffers. */
export abstract class SlotOptimizer implements FlatOptimizer {
  protected stepCount = 0;
  protected readonly slots: Record<string, Float32Array> = {};
  /** Multiplies the configured learning rate in the next update (a schedule sets it; see training-controls.ts). */
  lrScale = 1;

  constructor(
    readonly name: string,
    protected readonly size: number,
    slotNames: readonly string[],
  ) {
    for (const slot of slotNames) this.slots[slot] = new Float32Array(size);
  }

  get step(): number {
    return this.stepCount;
  }

  apply(weights: Float32Array, gradients: Float32Array, start = 0, end = this.size): void {
    if (weights.length !== this.size || gradients.length !== this.size) {
      throw new ShapeMismatchError(
        `${this.name}: weights (${weights.length}) and gradients (${gradients.length}) must both have ` + `${this.size} elements (the trainable size)`,
      );
    }
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > this.size) {
      throw new ShapeMismatchError(`${this.name}: update range [${start}, ${end}) is not within [0, ${this.size})`);
    }
    this.stepCount += 1;
    this.update(weights, gradients, this.stepCount, start, end);
  }

  /** One update of elements [start, end); `t` is the 1-based step number of this update. */
  protected abstract update(weights: Float32Array, gradients: Float32Array, t: number, start: number, end: number): void;

  exportState(): OptimizerState {
    const slots: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(this.slots)) slots[k] = v.slice();
    return { name: this.name, step: this.stepCount, slots };
  }

  importState(state: OptimizerState): void {
    if (state.name !== this.name) {
      throw new InvalidConfigError('optimizerState.name', state.name, `"${this.name}" (the model's optimizer)`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new InvalidConfigError('optimizerState.step', state.step, 'an integer >= 0');
    }
    for (const key of Object.keys(this.slots)) {
      const incoming = state.slots[key];
      if (!incoming) {
        throw new InvalidConfigError(`optimizerState.slots.${key}`, undefined, `a Float32Array of ${this.size} elements`);
      }
      if (incoming.length !== this.size) {
        throw new ShapeMismatchError(`optimizer state slot "${key}" has ${incoming.length} elements; the model's trainable size is ${this.size}`);
      }
    }
    for (const key of Object.keys(this.slots)) this.slots[key]!.set(state.slots[key]!);
    this.stepCount = state.step;
  }
}
