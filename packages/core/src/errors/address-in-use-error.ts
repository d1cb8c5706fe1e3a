/**
 * A ring rank could not listen on its address because something already holds it: most
 * often a second worker started with the same TF_CONFIG task index, else another program.
 */
import { SynclineError } from './syncline-error';

export class AddressInUseError extends SynclineError {
  override readonly name = 'AddressInUseError';
  constructor(
    readonly address: string,
    readonly rank: number,
    readonly detail?: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      'ADDRESS_IN_USE',
      `Rank ${rank} cannot listen on ${address}: the address is already in use${detail ? ` (${detail})` : ''}. ` +
        `Is another worker using the same TF_CONFIG task index, or another program holding the port? ` +
        'Give every worker its own task index and address, or stop the program holding the port, then restart every worker.',
      { retryable: false, cause: options.cause },
    );
  }
}
