/**
 * One writer per checkpoint directory, through the built CLI (issue 20): two `syncline
 * train --checkpoint-dir SAME` started together, and a second chief beside a running
 * two-worker cluster. The second writer is refused before it reads any data, with
 * CheckpointDirLockedError naming the holder (pid, host, start time, run id); the holder
 * finishes; every checkpoint left in the directory is complete (meta.json, verifies
 * through CheckpointStore) and was written by the holder's run; the lock is gone after
 * a clean finish, and a rerun of the same command resumes.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointStore } from '@syncline/core';
import {
  errorLine,
  finishOk,
  killAll,
  loopbackAddresses,
  requireBuiltCli,
  spawnCli,
  startWorkers,
  tempDir,
  tfConfig,
  trainArgs,
  waitFor,
  writeSpec,
  type Proc,
} from './cluster-helpers';

const EPOCHS = 8;
const GLOBAL_BATCH = 32;
const VIRTUAL_EPOCH = 8 * GLOBAL_BATCH;
const TOKEN = 'ckpt-dir-lock-token';
const LOCKED = /checkpoint directory .* locked for this run \(flock; run ([0-9a-z]+-[0-9a-f]{8})\)/;

const runIdOf = (p: Proc): string | undefined => LOCKED.exec(p.stderr)?.[1];

/** Every entry is a complete checkpoint of `runId` (no lock file, temp or trash left); returns their names. */
function expectOnlyCompleteCheckpointsOf(dir: string, runId: string): string[] {
  const store = new CheckpointStore(dir, () => undefined);
  const names = readdirSync(dir).sort();
  for (const n of names) {
    expect(n).toMatch(/^ckpt-\d{6}-\d{9}$/);
    const c = store.read(join(dir, n)); // meta.json present, checksum and tensors verify
    expect(c.meta.runId).toBe(runId);
  }
  return names;
}

describe('one writer per checkpoint directory (built CLI)', () => {
  let spec: string;
  beforeAll(() => {
    requireBuiltCli();
    spec = writeSpec(tempDir('ckpt-lock'));
  });
  afterEach(killAll);

  const args = (ckpt: string, epochs = EPOCHS): string[] => [
    '--model',
    spec,
    '--seed',
    '4',
    '--global-batch',
    String(GLOBAL_BATCH),
    '--epochs',
    String(epochs),
    '--virtual-epoch-size',
    String(VIRTUAL_EPOCH),
    '--checkpoint-dir',
    ckpt,
    '--timeout-ms',
    '10000',
  ];

  it('two mirrored runs started together: the second is refused naming the first, which finishes with every checkpoint complete', async () => {
    const ckpt = join(tempDir('ckpt-lock-mirrored'), 'ckpt');
    const procs = [0, 1].map((i) => spawnCli(`run ${i}`, trainArgs(['--replicas', '2', ...args(ckpt)]), {}));
    const exits = await Promise.all(procs.map((p) => p.exited));
    const winners = procs.filter((_, i) => exits[i]!.code === 0);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    const loser = procs.find((p) => p !== winner)!;
    const runId = runIdOf(winner)!;
    expect(runId).toBeDefined();

    const line = errorLine(loser);
    console.log(`refused: ${line}`);
    expect(line).toMatch(/^syncline: CheckpointDirLockedError: Checkpoint directory .*ckpt is locked by another run: /);
    expect(line).toContain(`pid ${winner.child.pid} on host `);
    expect(line).toMatch(/, started \d{4}-\d\d-\d\dT[\d:.]+Z, /);
    expect(line).toContain(`run ${runId} (flock on `);
    expect(line).toContain('Another run is writing here: stop it');
    expect(line).toContain('or use another --checkpoint-dir');
    expect(loser.stderr).not.toMatch(/MirroredStrategy with|test accuracy/); // refused before the data was read and the replicas started
    expect(runIdOf(loser)).toBeUndefined();

    const names = expectOnlyCompleteCheckpointsOf(ckpt, runId);
    expect(names[names.length - 1]).toBe(`ckpt-${String(EPOCHS).padStart(6, '0')}-000000000`);

    // The lock went with the winner: the same command resumes (and still never deletes the earlier run's checkpoints).
    const [rerun] = await finishOk([spawnCli('rerun', trainArgs(['--replicas', '2', ...args(ckpt, EPOCHS + 1)]), {})]);
    expect(rerun).toMatchObject({ resumedFromEpoch: EPOCHS });
    expect(readdirSync(ckpt)).toEqual(expect.arrayContaining(names));
  }, 180_000);

  it('a second chief beside a running two-worker cluster is refused naming the cluster chief; the cluster finishes cleanly', async () => {
    const ckpt = join(tempDir('ckpt-lock-multi'), 'ckpt');
    const cluster = startWorkers({ addresses: await loopbackAddresses(2), token: TOKEN, args: args(ckpt, 2 * EPOCHS) });
    await waitFor('the chief to lock the checkpoint directory', () => runIdOf(cluster[0]!) !== undefined || cluster[0]!.exit !== undefined, 60_000);
    const runId = runIdOf(cluster[0]!)!;
    expect(runId).toBeDefined();
    // Another cluster's chief (rank 0 of its own TF_CONFIG) on the same directory.
    const env = { TF_CONFIG: tfConfig(await loopbackAddresses(2), 0), SYNCLINE_AUTH_TOKEN: TOKEN };
    const intruder = spawnCli('intruder', trainArgs(['--strategy', 'multi-worker', '--replicas', '1', ...args(ckpt, 2 * EPOCHS)]), env);
    expect((await intruder.exited).code).not.toBe(0);
    expect(errorLine(intruder)).toMatch(new RegExp(`^syncline: CheckpointDirLockedError: .* pid ${cluster[0]!.child.pid} on host .*run ${runId}`));
    await finishOk(cluster);
    expect(runIdOf(cluster[1]!)).toBeUndefined(); // a worker that does not write never locks
    expectOnlyCompleteCheckpointsOf(ckpt, runId);
  }, 180_000);
});
