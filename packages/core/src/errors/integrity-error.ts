/**
 * A ring frame whose MAC did not verify: its header or payload was changed on the way (a
 * man in the middle, a faulty NIC or memory), or a frame was replayed, dropped or
 * reordered (the MAC binds each frame to its position on the connection). The job stops
 * as for a lost worker: nothing computed from the altered frame is kept, and a restart
 * resumes from the newest checkpoint.
 */
import { SynclineError } from './syncline-error';

export class IntegrityError extends SynclineError {
  override readonly name = 'IntegrityError';
  constructor(
    /** The rank that received the bad frame. */
    readonly rank: number,
    /** The rank at the other end of the link. */
    readonly peerRank: number,
    /** The peer's ring address. */
    readonly address: string,
    readonly detail: string,
    options: { cause?: unknown; reported?: boolean } = {},
  ) {
    super(
      'INTEGRITY_ERROR',
      `Frame integrity check failed on the link from rank ${peerRank} (${address}) to rank ${rank}: ${detail}` +
        `${options.reported ? '; reported round the ring' : ''}. ` +
        'The frame was altered, replayed or reordered on the way (a proxy or device on the path, faulty hardware), ' +
        'or the ranks disagree on frameIntegrity. Check the network path between them; restart the job and BackupAndRestore resumes from the newest checkpoint.',
      { retryable: true, cause: options.cause },
    );
  }
}
