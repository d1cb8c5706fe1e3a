/** A peer rank died, closed its connection, or stopped answering heartbeats. */
import { SynclineError } from './syncline-error';

export class WorkerLostError extends SynclineError {
  override readonly name = 'WorkerLostError';
  constructor(
    readonly rank: number,
    readonly address: string | undefined,
    readonly op: string | undefined,
    readonly seq: number | undefined,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      'WORKER_LOST',
      `Lost rank ${rank}${address ? ` (${address})` : ''}` +
        (op ? ` during ${op}${seq !== undefined ? ` #${seq}` : ''}` : '') +
        `: ${reason}. Restart the job; BackupAndRestore resumes from the newest checkpoint.`,
      { retryable: true, cause: options.cause },
    );
  }
}
