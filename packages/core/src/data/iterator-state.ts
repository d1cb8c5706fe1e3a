/**
 * The serializable position of a distributed dataset, so a resumed run continues exactly
 * where it stopped: the same examples, in the same order, on every replica.
 *
 * Protocol:
 * 1. The position is (epoch, step): the next step to run. Everything a worker reads
 *    follows from it and the configuration (step-plan.ts), so the state is identical on
 *    every rank and the chief's checkpoint serves them all.
 * 2. `pass` and `offset` spell the same point in the global stream (position
 *    p = epoch * V + step * B; pass = floor(p / datasetSize)), as TF users know it.
 * 3. The configuration that shapes the stream (seed, shuffle, sizes, policy, world size)
 *    is stored too; resuming under a different one throws ShardMismatchError naming the
 *    field, since it would silently replay or skip examples.
 * 4. Elastic exception: under DATA sharding (and OFF with one worker) every worker reads
 *    the one global stream, so a state saved with W workers resumes with any other
 *    worker count: together the new workers read exactly what the old ones would have.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';
import { ShardMismatchError } from '../errors/shard-mismatch-error';
import type { ResolvedShardPolicy } from '../contracts/shard-policy';

/** Format version written into every state. */
export const ITERATOR_STATE_VERSION = 1;

/** A dataset position plus the configuration it is valid for. Plain JSON data. */
export interface IteratorState {
  readonly version: typeof ITERATOR_STATE_VERSION;
  /** Epoch of the next step to run. */
  readonly epoch: number;
  /** Next step to run inside `epoch`, in [0, stepsPerEpoch]. */
  readonly step: number;
  /** Real pass of the global stream at that point. */
  readonly pass: number;
  /** Offset inside `pass`. */
  readonly offset: number;
  readonly seed: number;
  readonly shuffle: boolean;
  /** Total examples in the source (all files). */
  readonly datasetSize: number;
  readonly globalBatchSize: number;
  /** Examples per epoch (virtualEpochSize, or datasetSize). */
  readonly examplesPerEpoch: number;
  readonly dropRemainder: boolean;
  readonly policy: ResolvedShardPolicy;
  readonly worldSize: number;
}

/** The fields that must match between a saved state and the dataset resuming it. */
export const STATE_CONFIG_FIELDS = ['seed', 'shuffle', 'datasetSize', 'globalBatchSize', 'examplesPerEpoch', 'dropRemainder', 'policy', 'worldSize'] as const;

/** JSON text of a state (stable key order). */
export function serializeIteratorState(state: IteratorState): string {
  return JSON.stringify(state);
}

/**
 * Parses and validates a state from JSON text or an already-parsed object. Throws
 * InvalidConfigError naming the field (`iteratorState.<field>`) that is missing or wrong.
 */
export function parseIteratorState(input: string | unknown): IteratorState {
  let obj: unknown = input;
  if (typeof input === 'string') {
    try {
      obj = JSON.parse(input);
    } catch (e) {
      throw new InvalidConfigError('iteratorState', input, 'JSON text of an IteratorState', { cause: e });
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new InvalidConfigError('iteratorState', obj, 'an object');
  }
  const o = obj as Record<string, unknown>;
  if (o['version'] !== ITERATOR_STATE_VERSION) {
    throw new InvalidConfigError('iteratorState.version', o['version'], String(ITERATOR_STATE_VERSION));
  }
  for (const f of ['epoch', 'step', 'pass', 'offset', 'seed', 'datasetSize', 'globalBatchSize', 'examplesPerEpoch', 'worldSize']) {
    const v = o[f];
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
      throw new InvalidConfigError(`iteratorState.${f}`, v, 'a non-negative integer');
    }
  }
  for (const f of ['shuffle', 'dropRemainder']) {
    if (typeof o[f] !== 'boolean') throw new InvalidConfigError(`iteratorState.${f}`, o[f], 'a boolean');
  }
  if (!['OFF', 'FILE', 'DATA'].includes(o['policy'] as string)) {
    throw new InvalidConfigError('iteratorState.policy', o['policy'], 'OFF, FILE or DATA');
  }
  return Object.freeze({ ...(o as unknown as IteratorState) });
}

/**
 * Throws ShardMismatchError when `saved` was written under another configuration than
 * `current` (the first differing field is named, with both values).
 */
export function checkStateMatches(saved: IteratorState, current: IteratorState): void {
  const elastic = readsGlobalStream(saved) && readsGlobalStream(current);
  for (const f of STATE_CONFIG_FIELDS) {
    if (elastic && (f === 'policy' || f === 'worldSize')) continue;
    if (saved[f] !== current[f]) {
      throw new ShardMismatchError(
        `Cannot resume the dataset: the saved iterator state has ${f} = ${JSON.stringify(saved[f])} ` +
          `but this run has ${f} = ${JSON.stringify(current[f])}. Resume with the same ${f}, ` +
          'or start the data stream afresh (drop the saved iterator state).',
      );
    }
  }
  if (saved.pass !== current.pass || saved.offset !== current.offset) {
    throw new ShardMismatchError(
      `Cannot resume the dataset: the saved state puts epoch ${saved.epoch} step ${saved.step} at pass ` +
        `${saved.pass} offset ${saved.offset}, but this configuration puts it at pass ${current.pass} offset ` +
        `${current.offset}. The state was edited or written by another version; start afresh.`,
    );
  }
}

/** True when every worker's steps are cut from the one global stream (DATA, or a single worker). */
export function readsGlobalStream(state: Pick<IteratorState, 'policy' | 'worldSize'>): boolean {
  return state.policy === 'DATA' || (state.policy === 'OFF' && state.worldSize === 1);
}
