/** A second writer tried to take a checkpoint directory that another run holds. */
import type { CheckpointLockHolder } from '../checkpoint/lock-holder';
import { describeLockHolder } from '../checkpoint/lock-holder';
import { SynclineError } from './syncline-error';

export class CheckpointDirLockedError extends SynclineError {
  override readonly name = 'CheckpointDirLockedError';
  constructor(
    /** The checkpoint directory. */
    readonly dir: string,
    /** Who holds it, from its holder file; undefined when that file was unreadable in time. */
    readonly holder: CheckpointLockHolder | undefined,
    /** The mechanism and file that refused ("flock on /ckpt/.syncline.lock"). */
    readonly via: string,
  ) {
    super(
      'CHECKPOINT_DIR_LOCKED',
      `Checkpoint directory ${dir} is locked by another run: ` +
        (holder ? describeLockHolder(holder) : 'holder unknown (its holder file was missing or incomplete; an older Syncline, or a run still starting)') +
        ` (${via}). Another run is writing here: stop it` +
        (holder ? ` (kill ${holder.pid} on ${holder.host})` : '') +
        ', or use another --checkpoint-dir.',
    );
  }
}
