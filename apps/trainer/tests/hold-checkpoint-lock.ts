// Test helper run as a real process (node --import tsx, @syncline/core mapped to its
// sources): `hold DIR` takes flockCheckpointLock on DIR, prints {"holder": ...} and stays
// alive until killed; `try DIR` tries once, prints {"holder": ...} or {"error": {...}}, exits.
import { flockCheckpointLock } from '../src/checkpoint-lock/flock-lock';
import { checkpointLockHolder, newCheckpointRunId, type CheckpointDirLockedError } from '@syncline/core';

const [mode, dir] = process.argv.slice(2);
flockCheckpointLock.acquire(dir!, checkpointLockHolder(newCheckpointRunId())).then(
  (held) => {
    process.stdout.write(JSON.stringify({ holder: held.holder }) + '\n');
    if (mode === 'hold') setInterval(() => undefined, 60_000);
  },
  (e: CheckpointDirLockedError) => {
    process.stdout.write(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message, holder: e.holder } }) + '\n');
    process.exitCode = 3;
  },
);
