/** A checkpoint could not be written, or a read one is corrupt or incompatible. */
import { SynclineError } from './syncline-error';

export class CheckpointError extends SynclineError {
  override readonly name = 'CheckpointError';
  constructor(
    readonly path: string,
    detail: string,
    options: { cause?: unknown } = {},
  ) {
    super('CHECKPOINT_ERROR', `Checkpoint ${path}: ${detail}`, { cause: options.cause });
  }
}
