/**
 * Workers of one cluster were started with settings that must match but do not (a flag,
 * the model, the data, the cluster, the Syncline version). Found at rendezvous, before any
 * training step, and raised on every rank with the same message.
 */
import { SynclineError } from './syncline-error';

/** One value of the field and the global ranks that hold it. */
export interface MismatchedValue {
  readonly value: string;
  readonly ranks: readonly number[];
}

function describeRanks(ranks: readonly number[]): string {
  return ranks.length === 1 ? `rank ${ranks[0]}` : `ranks ${ranks.join(', ')}`;
}

export class ConfigMismatchError extends SynclineError {
  override readonly name = 'ConfigMismatchError';
  constructor(
    readonly field: string,
    readonly values: readonly MismatchedValue[],
  ) {
    super(
      'CONFIG_MISMATCH',
      `Workers disagree on ${field}: ${values.map((v) => `${describeRanks(v.ranks)} ${v.ranks.length === 1 ? 'has' : 'have'} ${v.value}`).join('; ')}. ` +
        `Start every worker of the cluster with the same ${field}.`,
    );
  }
}
