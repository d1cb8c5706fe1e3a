/** A collective operation did not complete in time; names the op, its sequence number and the laggards. */
import { SynclineError } from './syncline-error';

export class CollectiveTimeoutError extends SynclineError {
  override readonly name = 'CollectiveTimeoutError';
  constructor(
    readonly op: string,
    readonly seq: number,
    readonly timeoutMs: number,
    readonly pendingRanks: readonly number[],
    detail = '',
  ) {
    super(
      'COLLECTIVE_TIMEOUT',
      `${op} #${seq} timed out after ${timeoutMs} ms` +
        (pendingRanks.length ? `; ranks not yet submitted: ${pendingRanks.join(', ')}` : '') +
        (detail ? `; ${detail}` : '') +
        '. Check that every rank is alive and reachable, or raise the timeout.',
      { retryable: true },
    );
  }
}
