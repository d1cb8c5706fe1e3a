/**
 * TensorBoard itself reads our event files: its EventAccumulator (Python, from PyPI's
 * `tensorboard`, installed by tools/scripts/install.sh) returns the scalars we wrote.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TensorBoardWriter } from './tensorboard-writer';

const SCRIPT = join(__dirname, '..', '..', '..', '..', 'tools', 'python', 'read_tensorboard_scalars.py');
const probe = spawnSync('python3', ['-c', 'import tensorboard'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available) {
  process.stderr.write(
    `skipping the TensorBoard reader test: python3 cannot import tensorboard (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}); pip install tensorboard\n`,
  );
}

(available ? it : it.skip)(
  'TensorBoard EventAccumulator reads the scalars back',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-py-'));
    const w = new TensorBoardWriter(dir);
    w.scalars(1, { 'epoch/loss': 0.5, 'epoch/accuracy': 0.75 });
    w.scalars(2, { 'epoch/loss': 0.25, 'epoch/accuracy': 0.875 });
    const r = spawnSync('python3', [SCRIPT, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(JSON.parse(r.stdout)).toEqual({
      'epoch/loss': [
        [1, 0.5],
        [2, 0.25],
      ],
      'epoch/accuracy': [
        [1, 0.75],
        [2, 0.875],
      ],
    });
  },
  60_000,
);
