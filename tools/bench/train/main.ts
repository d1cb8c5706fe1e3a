/**
 * `npm run bench -- train [--model cnn] [--backend tfjs] [--replicas 1,2] [--workers 2] [--examples N] [--json]`
 *
 * Training throughput side by side, in one run, on real Fashion-MNIST: each configuration
 * trains `--epochs` virtual epochs of `--examples` images and reports the median images/s
 * of the epochs after the first (warm-up).
 * - default: MirroredStrategy with 1 and 2 replicas (threads in one process);
 *   efficiency = throughput(2) / (2 x throughput(1));
 * - `--workers W`: 1 worker x 1 replica, 1 worker x W replicas, and W workers x 1 replica
 *   (separate processes started by `syncline launch`, TCP ring on loopback).
 * With --json the last line is {rows: [{replicas, workers, imagesPerSec}], efficiency}.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runTrain, validateTrainOptions } from '@syncline/trainer';

const CLI = join(__dirname, '..', '..', '..', 'apps', 'trainer', 'dist', 'cli.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const model = arg('model', 'cnn');
  const backend = arg('backend', 'tfjs');
  const globalBatch = Number(arg('global-batch', '64'));
  const examples = Number(arg('examples', model === 'cnn' ? '3200' : '60000'));
  const epochs = Number(arg('epochs', '4'));
  const workers = Number(arg('workers', '1'));
  const replicaCounts = arg('replicas', workers > 1 ? `1,${workers}` : `1,${Math.min(2, availableParallelism())}`).split(',').map(Number);
  const rows: { replicas: number; workers: number; imagesPerSec: number; epochImagesPerSec: number[] }[] = [];
  const record = (w: number, replicas: number, perEpoch: number[]): void => {
    const warm = perEpoch.length > 1 ? perEpoch.slice(1) : perEpoch;
    rows.push({ replicas, workers: w, imagesPerSec: median(warm), epochImagesPerSec: perEpoch.map(Math.round) });
    if (!json) console.log(`${w} worker(s) x ${replicas / w} replica(s): ${median(warm).toFixed(0)} images/s (epochs: ${perEpoch.map((x) => x.toFixed(0)).join(', ')})`);
  };
  for (const replicas of replicaCounts) {
    const options = validateTrainOptions({
      strategy: 'mirrored', replicas, isolation: 'thread', backend, model, data: arg('data', '/usr/share/datasets/fashion-mnist'),
      epochs, globalBatch, virtualEpochSize: examples, stepsPerExecution: Number(arg('steps-per-execution', '1')),
      seed: 1, json: true, timeoutMs: 300_000,
    });
    const r = await runTrain(options, () => undefined, { skipValidation: true, skipTest: true });
    record(1, replicas, r.history.map((h) => h.examplesPerSec as number));
  }
  if (workers > 1) {
    const args = [CLI, 'launch', '--workers', String(workers), '--json', '--', 'train', '--backend', backend, '--model', model,
      '--data', arg('data', '/usr/share/datasets/fashion-mnist'), '--epochs', String(epochs), '--global-batch', String(globalBatch),
      '--virtual-epoch-size', String(examples), '--seed', '1', '--json'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !last.startsWith('{')) throw new Error(`syncline launch failed (${r.status}): ${r.stderr.slice(-2000)}`);
    record(workers, workers, (JSON.parse(last).history as { examplesPerSec: number }[]).map((h) => h.examplesPerSec));
  }
  const one = rows.find((r) => r.replicas === 1);
  const two = rows.find((r) => r.replicas === 2 && r.workers === 1);
  const efficiency = one && two ? two.imagesPerSec / (2 * one.imagesPerSec) : null;
  const multi = rows.find((r) => r.workers > 1);
  const workersEfficiency = one && multi ? multi.imagesPerSec / (multi.workers * one.imagesPerSec) : null;
  if (!json) {
    console.log('\nreplicas  workers  images/s   (replicas = all replicas; workers = processes)');
    for (const r of rows) console.log(`${String(r.replicas).padStart(8)}  ${String(r.workers).padStart(7)}  ${r.imagesPerSec.toFixed(0).padStart(8)}`);
    if (efficiency !== null) console.log(`scaling efficiency (2 vs 2 x 1): ${efficiency.toFixed(3)}`);
    if (workersEfficiency !== null) console.log(`multi-worker efficiency (${multi!.workers} workers vs ${multi!.workers} x 1): ${workersEfficiency.toFixed(3)}`);
  }
  console.log(JSON.stringify({ bench: 'train', model, backend, globalBatch, examplesPerEpoch: examples, epochs, rows, efficiency, workersEfficiency }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
