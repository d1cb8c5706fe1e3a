/**
 * Benchmark rows per file format (issue 16): Syncline's streamed read (open + full passes
 * through the reader thread into float32 batches) against what a Python user would run on
 * the same files, each pinned to one core (taskset -c 0), alternated ROUNDS times.
 *
 * Protocol:
 * 1. Write the files once into a temp dir from Fashion-MNIST: TFRecord shards with
 *    TensorFlow's own writer (half of them gzipped), a CSV of CSV_ROWS rows (label, 784
 *    pixel columns), and PNG_IMAGES grayscale PNGs in root/<class>/ (written by PIL).
 * 2. Per round and format: Syncline (format-run.ts) then the peer (format_peer.py).
 *    Ours reports the open (counting, typing) and PASSES passes; the peer one read, timed
 *    after it built its pipeline (tf.data traces its map function before the timer starts).
 * 3. Rows give examples/s of the medians: `first` = open + first pass (what a first epoch
 *    costs, cold JIT included), `pass` = a later pass: the mean of the passes after the
 *    second, once V8 has compiled the reader's hot loops (TFRecord passes of one run here:
 *    510, 391, 320, 320 ms), `peer`, and the ratios first/peer and pass/peer.
 * The Python side needs tensorflow-cpu and pandas (`install.sh --bench` installs them in
 * ~/.cache/syncline/bench-venv); without them the row says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIdxFile } from '@syncline/core';

export const BENCH_PYTHON = join(homedir(), '.cache', 'syncline', 'bench-venv', 'bin', 'python');
const HERE = __dirname;
const ROUNDS = 3;
/** Passes per Syncline run: the first (cold), the second (warming up), and two steady ones. */
const PASSES = 4;
const TFRECORD_SHARDS = 8;
const CSV_ROWS = 20_000;
const PNG_IMAGES = 10_000;

export interface FormatRow {
  format: string;
  examples: number;
  /** examples/s of open + first pass (median). */
  firstExamplesPerSec: number;
  /** examples/s of a later pass (median). */
  passExamplesPerSec: number;
  peer: string;
  peerExamplesPerSec: number | null;
  ratioFirst: number | null;
  ratioPass: number | null;
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function runJson(cmd: string, args: string[]): Record<string, unknown> {
  const r = spawnSync('taskset', ['-c', '0', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-800)}`);
  return JSON.parse(last) as Record<string, unknown>;
}

function writeCsv(dir: string, fashionDir: string): string {
  const x = readIdxFile(join(fashionDir, 'train-images-idx3-ubyte.gz')).data;
  const y = readIdxFile(join(fashionDir, 'train-labels-idx1-ubyte.gz')).data;
  const lines = ['label,' + Array.from({ length: 784 }, (_, i) => `p${i}`).join(',')];
  for (let i = 0; i < CSV_ROWS; i++) lines.push(`${y[i]},${x.subarray(i * 784, (i + 1) * 784).join(',')}`);
  const path = join(dir, 'train.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Runs every format's rows; `fashionDir` holds the IDX files. */
export function benchFormats(fashionDir: string, log: (line: string) => void): { rows: FormatRow[]; tfrecordDir?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-formats-'));
  const python = existsSync(BENCH_PYTHON) ? BENCH_PYTHON : undefined;
  const inputs: { format: string; ours: string; peer: string[]; peerName: string }[] = [];
  if (python) {
    spawnSync(python, [join(HERE, 'format_peer.py'), 'write-tfrecord', fashionDir, join(dir, 'tfr'), String(TFRECORD_SHARDS)], { stdio: 'ignore' });
    const shards = Array.from({ length: TFRECORD_SHARDS }, (_, s) =>
      join(dir, 'tfr', `train.tfrecord-${String(s).padStart(5, '0')}-of-${String(TFRECORD_SHARDS).padStart(5, '0')}${s >= TFRECORD_SHARDS / 2 ? '.gz' : ''}`),
    );
    inputs.push({
      format: 'tfrecord',
      ours: join(dir, 'tfr', 'train.tfrecord-*'),
      peer: ['tfrecord', ...shards],
      peerName: 'tf.data.TFRecordDataset + tf.io.parse_example',
    });
  }
  if (python) {
    spawnSync(python, [join(HERE, 'format_peer.py'), 'write-png', fashionDir, join(dir, 'png'), String(PNG_IMAGES)], { stdio: 'ignore' });
    inputs.push({ format: 'images', ours: join(dir, 'png'), peer: ['png', join(dir, 'png')], peerName: 'PIL Image.open + convert("L") per file' });
  }
  const csv = writeCsv(dir, fashionDir);
  inputs.push({ format: 'csv', ours: csv, peer: ['csv', csv], peerName: 'pandas.read_csv (C engine)' });
  const rows: FormatRow[] = [];
  for (const inp of inputs) {
    const first: number[] = [];
    const pass: number[] = [];
    const peer: number[] = [];
    let n = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const o = runJson(process.execPath, ['--import', 'tsx', join(HERE, 'format-run.ts'), inp.format, inp.ours, String(PASSES)]);
      const passMs = o.passMs as number[];
      n = o.examples as number;
      first.push((o.openMs as number) + passMs[0]!);
      const later = passMs.slice(2);
      pass.push(later.reduce((a, b) => a + b, 0) / later.length);
      if (python) peer.push(runJson(python, [join(HERE, 'format_peer.py'), ...inp.peer]).ms as number);
    }
    const rate = (ms: number): number => Math.round(n / (ms / 1000));
    const peerRate = peer.length ? rate(median(peer)) : null;
    const row: FormatRow = {
      format: inp.format,
      examples: n,
      firstExamplesPerSec: rate(median(first)),
      passExamplesPerSec: rate(median(pass)),
      peer: inp.peerName,
      peerExamplesPerSec: peerRate,
      ratioFirst: peerRate ? +(rate(median(first)) / peerRate).toFixed(2) : null,
      ratioPass: peerRate ? +(rate(median(pass)) / peerRate).toFixed(2) : null,
      ...(python ? {} : { note: `no ${BENCH_PYTHON}: run tools/scripts/install.sh --bench` }),
    };
    log(
      `${row.format.padEnd(9)} ${String(n).padStart(6)} examples  syncline first ${row.firstExamplesPerSec} ex/s, later pass ${row.passExamplesPerSec} ex/s; ` +
        `${row.peer} ${row.peerExamplesPerSec ?? 'n/a'} ex/s; ratio ${row.ratioFirst ?? 'n/a'}x (first) ${row.ratioPass ?? 'n/a'}x (pass)`,
    );
    rows.push(row);
  }
  return { rows, ...(python ? { tfrecordDir: join(dir, 'tfr') } : {}) };
}
