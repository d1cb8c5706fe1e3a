// Test helper run as a real process (node --import tsx): takes hostLocalCheckpointLock on
// argv[2], prints {"holder": ...} as one line, then stays alive until killed.
import { hostLocalCheckpointLock } from '../../src/checkpoint/host-local-lock';
import { checkpointLockHolder, newCheckpointRunId } from '../../src/checkpoint/lock-holder';

void hostLocalCheckpointLock.acquire(process.argv[2]!, checkpointLockHolder(newCheckpointRunId())).then(
  (held) => {
    process.stdout.write(JSON.stringify({ holder: held.holder }) + '\n');
    setInterval(() => undefined, 60_000);
  },
  (e: Error) => {
    process.stdout.write(JSON.stringify({ error: e.message }) + '\n');
    process.exit(1);
  },
);
