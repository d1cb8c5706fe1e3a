/**
 * An optimizer with the spec's training controls around it (optimizer-controls.ts):
 * 1. when `globalClipNorm` is set, the gradient's global norm is taken over the whole
 *    gradient and, when above the limit, a scaled copy (a buffer reused across steps) is
 *    what the optimizer reads; a range update with clipping is refused, since a range
 *    does not hold the whole norm (the replica host then updates unsharded);
 * 2. when `schedule` is set, the inner optimizer's learning rate is scaled by the schedule
 *    at the inner step count (updates done so far: the checkpointed `step`);
 * 3. state, name and step are the inner optimizer's, so checkpoints are unchanged.
 */
import type { OptimizerState } from '../contracts/optimizer-state';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import type { LrScheduleSpec } from '../spec/optimizer-controls';
import { globalNormClipScale } from './clip';
import type { FlatOptimizer, SlotOptimizer } from './flat-optimizer';
import { lrScheduleFactor } from './lr-schedule';

export interface TrainingControls {
  readonly schedule?: LrScheduleSpec | undefined;
  readonly globalClipNorm?: number | undefined;
}

export class ControlledOptimizer implements FlatOptimizer {
  #scaled: Float32Array | undefined;

  constructor(
    private readonly inner: SlotOptimizer,
    private readonly controls: TrainingControls,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get step(): number {
    return this.inner.step;
  }

  apply(weights: Float32Array, gradients: Float32Array, start?: number, end?: number): void {
    let g = gradients;
    const clip = this.controls.globalClipNorm;
    if (clip !== undefined) {
      if ((start ?? 0) !== 0 || (end ?? gradients.length) !== gradients.length) {
        throw new UnsupportedOperationError(
          'optimizer option',
          'globalClipNorm',
          'range (sharded) updates',
          'the norm needs the whole gradient: update unsharded',
        );
      }
      const scale = globalNormClipScale(gradients, clip);
      if (scale < 1) {
        const scaled = (this.#scaled ??= new Float32Array(gradients.length));
        for (let i = 0; i < gradients.length; i++) scaled[i] = gradients[i]! * scale;
        g = scaled;
      }
    }
    this.inner.lrScale = this.controls.schedule ? lrScheduleFactor(this.controls.schedule, this.inner.step) : 1;
    this.inner.apply(weights, g, start, end);
  }

  exportState(): OptimizerState {
    return this.inner.exportState();
  }

  importState(state: OptimizerState): void {
    this.inner.importState(state);
  }
}
