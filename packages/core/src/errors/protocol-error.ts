/** A malformed, truncated, oversized or out-of-order frame arrived on a connection. */
import { SynclineError } from './syncline-error';

export class ProtocolError extends SynclineError {
  override readonly name = 'ProtocolError';
  constructor(
    readonly address: string,
    detail: string,
  ) {
    super('PROTOCOL_ERROR', `Protocol error from ${address}: ${detail}; connection dropped`);
  }
}
