/**
 * stepsPerExecution grouping: k steps per coordinator round trip (or per compiled device
 * call), as Keras' `steps_per_execution`. Callbacks fire once per group.
 *
 * Protocol:
 * 1. An epoch of S steps, resumed at step s0, is cut into groups [s0, s0+k), [s0+k, ...).
 * 2. The last group of the epoch is shorter when (S - s0) is not a multiple of k; groups
 *    never cross an epoch end (checkpoints and epoch callbacks fall on epoch bounds).
 * 3. Iterating groups of a dataset holds k steps' batches at once, so the dataset's
 *    batch ring needs depth >= 2k (distributeDataset sizes it from stepsPerExecution).
 */
import type { Batch } from '../contracts/batch';
import { InvalidConfigError } from '../errors/invalid-config-error';

/** One round trip: steps [firstStep, firstStep + steps) of an epoch. */
export interface StepGroup {
  readonly firstStep: number;
  readonly steps: number;
}

/** A group with its batches: batches[i][replica] is step firstStep + i. */
export interface StepGroupBatches extends StepGroup {
  readonly batches: readonly (readonly Batch[])[];
}

/**
 * The groups of one epoch of `stepsPerEpoch` steps, k at a time, starting at `fromStep`.
 * Throws InvalidConfigError when k is not an integer >= 1 or fromStep is out of range.
 */
export function planStepGroups(stepsPerEpoch: number, stepsPerExecution: number, fromStep = 0): StepGroup[] {
  if (!(Number.isInteger(stepsPerExecution) && stepsPerExecution >= 1)) {
    throw new InvalidConfigError('stepsPerExecution', stepsPerExecution, 'an integer >= 1');
  }
  if (!(Number.isInteger(fromStep) && fromStep >= 0 && fromStep <= stepsPerEpoch)) {
    throw new InvalidConfigError('fromStep', fromStep, `an integer in [0, ${stepsPerEpoch}]`);
  }
  const groups: StepGroup[] = [];
  for (let s = fromStep; s < stepsPerEpoch; s += stepsPerExecution) {
    groups.push({ firstStep: s, steps: Math.min(stepsPerExecution, stepsPerEpoch - s) });
  }
  return groups;
}

/** Number of groups (round trips) in an epoch: ceil((stepsPerEpoch - fromStep) / k). */
export function groupsPerEpoch(stepsPerEpoch: number, stepsPerExecution: number, fromStep = 0): number {
  return Math.ceil(Math.max(0, stepsPerEpoch - fromStep) / stepsPerExecution);
}

/**
 * Groups any per-step iterable into arrays of up to k steps (the last may be shorter).
 * The caller must make sure the k batches stay valid together (ring depth >= 2k).
 */
export function* groupSteps<T>(steps: Iterable<T>, stepsPerExecution: number, firstStep = 0): Generator<{ firstStep: number; items: T[] }> {
  if (!(Number.isInteger(stepsPerExecution) && stepsPerExecution >= 1)) {
    throw new InvalidConfigError('stepsPerExecution', stepsPerExecution, 'an integer >= 1');
  }
  let items: T[] = [];
  let start = firstStep;
  for (const item of steps) {
    items.push(item);
    if (items.length === stepsPerExecution) {
      yield { firstStep: start, items };
      start += items.length;
      items = [];
    }
  }
  if (items.length > 0) yield { firstStep: start, items };
}
