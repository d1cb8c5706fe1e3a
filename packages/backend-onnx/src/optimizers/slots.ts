/** Shared checks for importing optimizer state into flat optimizers. */
import { CheckpointError, type OptimizerState } from '@syncline/core';

/** Copies `state.slots[name]` into `into`; throws naming the slot and both lengths on mismatch. */
export function readSlots(state: OptimizerState, expectedName: string, into: Record<string, Float32Array>): number {
  if (state.name !== expectedName) {
    throw new CheckpointError('optimizer state', `optimizer state is for "${state.name}" but this model trains with "${expectedName}"; use the same optimizer spec as the checkpoint`);
  }
  for (const [slot, buf] of Object.entries(into)) {
    const src = state.slots[slot];
    if (!src || src.length !== buf.length) {
      throw new CheckpointError('optimizer state', `optimizer slot "${slot}" has ${src ? src.length : 'no'} values; expected ${buf.length} (one per trainable weight)`);
    }
    buf.set(src);
  }
  if (!Number.isInteger(state.step) || state.step < 0) throw new CheckpointError('optimizer state', `optimizer step is ${state.step}; expected an integer >= 0`);
  return state.step;
}
