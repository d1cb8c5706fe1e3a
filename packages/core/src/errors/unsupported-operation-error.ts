/** An implementation does not offer an optional capability. */
import { SynclineError } from './syncline-error';

export class UnsupportedOperationError extends SynclineError {
  override readonly name = 'UnsupportedOperationError';
  constructor(
    readonly kind: string,
    readonly key: string,
    readonly operation: string,
    hint = '',
  ) {
    super('UNSUPPORTED_OPERATION', `${kind} "${key}" does not support ${operation}${hint ? `. ${hint}` : ''}`);
  }
}
