/** A second, different factory was registered under a name already taken. */
import { SynclineError } from './syncline-error';

export class DuplicateRegistrationError extends SynclineError {
  override readonly name = 'DuplicateRegistrationError';
  constructor(
    readonly kind: string,
    readonly key: string,
  ) {
    super('DUPLICATE_REGISTRATION', `A different ${kind} is already registered as "${key}". Register each name once, or use a fresh Registry.`);
  }
}
