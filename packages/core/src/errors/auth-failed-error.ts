/** A peer failed (or refused) the shared-secret challenge. */
import { SynclineError } from './syncline-error';

export class AuthFailedError extends SynclineError {
  override readonly name = 'AuthFailedError';
  constructor(
    readonly address: string,
    detail: string,
  ) {
    super('AUTH_FAILED', `Authentication with ${address} failed: ${detail}. ` + 'Every rank must use the same SYNCLINE_AUTH_TOKEN (or token file).');
  }
}
