/**
 * TensorBoard itself reads our event files: its EventAccumulator (Python, from PyPI's
 * `tensorboard`, installed by tools/scripts/install.sh) reads a run that was interrupted
 * and resumed (tensorboard-session.test-helper.ts) as Keras's callback lays it out: the
 * train and validation runs, each one event file, epoch and batch scalars, the learning
 * rate and weight histograms, with what the killed session wrote past the checkpoint
 * dropped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interruptedAndResumed, WEIGHTS } from './tensorboard-session.test-helper';

const SCRIPT = join(__dirname, '..', '..', '..', '..', 'tools', 'python', 'read_tensorboard_runs.py');
const probe = spawnSync('python3', ['-c', 'import tensorboard'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available) {
  process.stderr.write(
    `skipping the TensorBoard reader test: python3 cannot import tensorboard (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}); pip install tensorboard\n`,
  );
}

type Runs = Record<string, { scalars: Record<string, [number, number][]>; histograms: Record<string, [number, number, number, number][]> }>;

(available ? it : it.skip)(
  'TensorBoard EventAccumulator reads train/ and validation/ of a resumed run back',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-py-'));
    await interruptedAndResumed(dir);
    expect(readdirSync(join(dir, 'train'))).toHaveLength(1);
    expect(readdirSync(join(dir, 'validation'))).toHaveLength(1);
    const r = spawnSync('python3', [SCRIPT, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    const runs = JSON.parse(r.stdout) as Runs;
    expect(Object.keys(runs).sort()).toEqual(['train', 'validation']);
    const train = runs.train!;
    const steps = (tag: string, run = train): number[] => run.scalars[tag]!.map(([s]) => s);
    const value = (tag: string, step: number, run = train): number | undefined => run.scalars[tag]!.find(([s]) => s === step)?.[1];

    expect(steps('epoch_loss')).toEqual([0, 1]);
    expect(value('epoch_loss', 1)).toBeCloseTo(1 / 3, 6);
    expect(steps('epoch_loss', runs.validation)).toEqual([0, 1]);
    expect(value('epoch_accuracy', 1, runs.validation)).toBeCloseTo(0.65, 6);
    expect(value('epoch_learning_rate', 0)).toBeCloseTo(0.001, 8); // updates 0..9
    expect(value('epoch_learning_rate', 1)).toBeCloseTo(0.0005, 8); // updates 10..19
    expect(value('batch_learning_rate', 9)).toBeCloseTo(0.001, 8); // update 8
    expect(value('batch_learning_rate', 12)).toBeCloseTo(0.0005, 8); // update 11
    expect(steps('epoch_images_per_sec')).toEqual([0, 1]);
    // Batch rows every 3 steps; the killed session's row at step 15 is replaced by the resumed one's.
    expect(steps('batch_loss')).toEqual([3, 6, 9, 12, 15, 18]);
    expect(value('batch_loss', 3)).toBeCloseTo((1 + 1 / 2 + 1 / 3) / 3, 6); // the epoch's running mean
    expect(value('batch_loss', 15)).toBeCloseTo(1 / 15, 6); // the resumed session's first batch alone
    expect(steps('batch_accuracy')).toEqual([3, 6, 9, 12, 15, 18]);

    const kernel = train.histograms['dense_0/kernel/histogram']!;
    expect(kernel.map(([s]) => s)).toEqual([0, 1]);
    expect(kernel[0]!.slice(1)).toEqual([6, -1, 1.5]);
    expect(train.histograms['dense_0/bias/histogram']![0]!.slice(1)).toEqual([3, 0, Math.max(...WEIGHTS.subarray(6))]);
  },
  60_000,
);
