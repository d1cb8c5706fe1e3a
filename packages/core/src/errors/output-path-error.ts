/**
 * An output path (checkpoint directory, log directory, exported weights file) cannot be
 * created or written. Checked before training starts, so a run never trains for hours
 * and then loses its result to a typo or a permission.
 */
import { SynclineError } from './syncline-error';

export class OutputPathError extends SynclineError {
  override readonly name = 'OutputPathError';
  constructor(
    /** The option that names it, e.g. "--checkpoint-dir". */
    readonly option: string,
    readonly path: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super('OUTPUT_PATH', `${option} ${path} cannot be written: ${reason}. Choose a writable path (or fix its permissions) and run again.`, {
      retryable: false,
      cause: options.cause,
    });
  }
}
