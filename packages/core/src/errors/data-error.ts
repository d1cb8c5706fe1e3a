/** A dataset file or in-memory source is missing, truncated or corrupt. */
import { SynclineError } from './syncline-error';

export class DataError extends SynclineError {
  override readonly name = 'DataError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('DATA_ERROR', message, { cause: options.cause });
  }
}
