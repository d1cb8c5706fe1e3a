/** A registry was asked for a name nobody registered. */
import { SynclineError } from './syncline-error';

export class NotRegisteredError extends SynclineError {
  override readonly name = 'NotRegisteredError';
  constructor(
    readonly kind: string,
    readonly key: string,
    readonly available: readonly string[],
  ) {
    super(
      'NOT_REGISTERED',
      `No ${kind} registered as "${key}" (registered: ${available.join(', ') || 'none'}). ` +
        `Did you call register${key.charAt(0).toUpperCase()}${key.slice(1)}...() in the app?`,
    );
  }
}
