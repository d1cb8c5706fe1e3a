/** Ranks disagree about the data (batch sizes, step counts, shard layout). */
import { SynclineError } from './syncline-error';

export class ShardMismatchError extends SynclineError {
  override readonly name = 'ShardMismatchError';
  constructor(message: string) {
    super('SHARD_MISMATCH', message);
  }
}
