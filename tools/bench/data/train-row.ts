/**
 * The training row of the data benchmark (issue 16): the CNN trained with 2 thread replicas
 * from TFRecord shards on disk against the same run from memory (the IDX directory), per
 * backend, alternated ROUNDS times, built CLI. images/s = median over rounds of each run's
 * median epoch after the first (warm-up, reader start); ratio = the median of the rounds'
 * disk / memory ratios (paired: each round's two runs are neighbours in time, which these
 * noisy 2-core machines need).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROUNDS = 3;
const EPOCHS = 3;
const VIRTUAL_EPOCH = 6_400;
const CLI = join(__dirname, '..', '..', '..', 'apps', 'trainer', 'dist', 'cli.js');

export interface TrainRow {
  backend: string;
  memoryImagesPerSec: number;
  diskImagesPerSec: number;
  ratio: number;
  memoryTestAccuracy: number;
  diskTestAccuracy: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function train(backend: string, data: string[]): { ips: number; acc: number } {
  const args = [
    CLI,
    'train',
    '--model',
    'cnn',
    '--replicas',
    '2',
    '--backend',
    backend,
    '--epochs',
    String(EPOCHS),
    '--virtual-epoch-size',
    String(VIRTUAL_EPOCH),
  ];
  const r = spawnSync(process.execPath, [...args, '--global-batch', '64', '--seed', '1', '--json', ...data], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`train ${data.join(' ')} failed: ${r.stderr.slice(-800)}`);
  const res = JSON.parse(last) as { history: { examplesPerSec: number }[]; testAccuracy: number };
  return { ips: median(res.history.slice(1).map((h) => h.examplesPerSec)), acc: res.testAccuracy };
}

/** `shards`: a glob of the TFRecord training shards; `testFile`: the TFRecord test set; `fashionDir`: the IDX directory. */
export function benchTraining(shards: string, testFile: string, fashionDir: string, log: (line: string) => void): TrainRow[] {
  const rows: TrainRow[] = [];
  for (const backend of ['tfjs', 'onnx']) {
    const mem: { ips: number; acc: number }[] = [];
    const disk: { ips: number; acc: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      mem.push(train(backend, ['--data', fashionDir]));
      disk.push(train(backend, ['--data', shards, '--validation-data', testFile]));
    }
    const row: TrainRow = {
      backend,
      memoryImagesPerSec: Math.round(median(mem.map((m) => m.ips))),
      diskImagesPerSec: Math.round(median(disk.map((d) => d.ips))),
      ratio: +median(disk.map((d, i) => d.ips / mem[i]!.ips)).toFixed(3),
      memoryTestAccuracy: mem[0]!.acc,
      diskTestAccuracy: disk[0]!.acc,
    };
    log(
      `train cnn x2 ${backend.padEnd(5)} memory ${row.memoryImagesPerSec} img/s, TFRecord shards ${row.diskImagesPerSec} img/s: ${row.ratio}x (target >= 0.97)`,
    );
    rows.push(row);
  }
  return rows;
}
