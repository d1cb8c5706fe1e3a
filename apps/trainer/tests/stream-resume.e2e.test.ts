/**
 * Streamed data across workers and restarts (issue 16), built CLI: 2 workers on the 4
 * TFRecord shards TensorFlow wrote use FILE sharding, each opening only its 2 files (as its
 * log says); kill -9 of the chief after a few checkpoints and a rerun of the same command
 * resume from the newest one and end with weights bitwise equal to an uninterrupted run's,
 * so the resumed stream replayed exactly the batches the uninterrupted one read.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { finishOk, killAll, loopbackAddresses, requireBuiltCli, startWorkers, tempDir, waitFor } from './cluster-helpers';
import { REPO } from './helpers';

const TOKEN = 'stream-resume-token';
const TF_DIR = join(REPO, 'test-data', 'fashion-mnist-tfrecord');
const EPOCHS = 20;
/** Checkpoints written before the kill. */
const KILL_AFTER = 2;

function args(ckpt: string): string[] {
  return [
    '--data',
    join(TF_DIR, 'train*'),
    '--validation-data',
    join(TF_DIR, 'test.tfrecord'),
    '--shuffle-buffer',
    '300',
    '--model',
    'mlp',
    '--seed',
    '5',
    '--global-batch',
    '32',
    '--epochs',
    String(EPOCHS),
    '--virtual-epoch-size',
    '320',
    '--checkpoint-dir',
    ckpt,
    '--timeout-ms',
    '10000',
  ];
}

const checkpoints = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('ckpt-'));

describe('streamed TFRecord shards on 2 workers (built CLI)', () => {
  beforeAll(() => requireBuiltCli());
  afterEach(killAll);

  it('each worker opens only its files, and kill -9 + rerun ends bitwise equal to an uninterrupted run', async () => {
    const dir = tempDir('stream-resume');
    const [full, killed] = [join(dir, 'full'), join(dir, 'killed')];
    mkdirSync(full);
    mkdirSync(killed);
    const whole = startWorkers({ addresses: await loopbackAddresses(2), token: TOKEN, args: args(full) });
    const ref = await finishOk(whole);
    for (const [rank, files] of [
      [0, '00000-of-00004, train.tfrecord-00002-of-00004.gz'],
      [1, '00001-of-00004, train.tfrecord-00003-of-00004.gz'],
    ] as const) {
      expect(whole[rank]!.stderr).toContain(`worker ${rank} of 2 reads 2 of 4 file(s)`);
      expect(whole[rank]!.stderr).toContain(files);
    }
    const procs = startWorkers({ addresses: await loopbackAddresses(2), token: TOKEN, args: args(killed) });
    await waitFor(`${KILL_AFTER} checkpoints`, () => checkpoints(killed).length >= KILL_AFTER, 120_000);
    procs[0]!.child.kill('SIGKILL');
    const exits = await Promise.all(procs.map((p) => p.exited));
    expect(exits[0]!.signal).toBe('SIGKILL');
    const resumed = await finishOk(startWorkers({ addresses: await loopbackAddresses(2), token: TOKEN, args: args(killed) }));
    expect(resumed[0]!.resumedFromEpoch).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(resumed[0]!.resumedFromEpoch).toBeLessThan(EPOCHS);
    expect(resumed[0]!.weightsSha256).toBe(ref[0]!.weightsSha256);
    expect(resumed[1]!.weightsSha256).toBe(ref[0]!.weightsSha256);
    console.log(
      `killed after ${KILL_AFTER}+ checkpoints, resumed at epoch ${String(resumed[0]!.resumedFromEpoch)}; final weights sha256 ${String(ref[0]!.weightsSha256)} in both runs`,
    );
  }, 300_000);
});
