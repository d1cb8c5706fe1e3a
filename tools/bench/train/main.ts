/**
 * `npm run bench -- train [--model cnn] [--backend tfjs] [--replicas 1,2] [--examples N] [--json]`
 *
 * Training throughput of MirroredStrategy for 1 and 2 replicas side by side, in one run,
 * on real Fashion-MNIST: each configuration trains `--epochs` virtual epochs of
 * `--examples` images and reports the median images/s of the epochs after the first
 * (warm-up). Scaling efficiency = throughput(2) / (2 x throughput(1)).
 * With --json the last line is {rows: [{replicas, workers, imagesPerSec}], efficiency}.
 */
import { availableParallelism } from 'node:os';
import { runTrain, validateTrainOptions } from '@syncline/trainer';

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
  const replicaCounts = arg('replicas', `1,${Math.min(2, availableParallelism())}`).split(',').map(Number);
  const rows: { replicas: number; workers: number; imagesPerSec: number; epochImagesPerSec: number[] }[] = [];
  for (const replicas of replicaCounts) {
    const options = validateTrainOptions({
      strategy: 'mirrored', replicas, isolation: 'thread', backend, model, data: arg('data', '/usr/share/datasets/fashion-mnist'),
      epochs, globalBatch, virtualEpochSize: examples, stepsPerExecution: Number(arg('steps-per-execution', '1')),
      seed: 1, json: true, timeoutMs: 300_000,
    });
    const r = await runTrain(options, () => undefined, { skipValidation: true, skipTest: true });
    const perEpoch = r.history.map((h) => h.examplesPerSec as number);
    const warm = perEpoch.length > 1 ? perEpoch.slice(1) : perEpoch;
    rows.push({ replicas, workers: 1, imagesPerSec: median(warm), epochImagesPerSec: perEpoch.map(Math.round) });
    if (!json) console.log(`replicas ${replicas}: ${median(warm).toFixed(0)} images/s (epochs: ${perEpoch.map((x) => x.toFixed(0)).join(', ')})`);
  }
  const one = rows.find((r) => r.replicas === 1);
  const two = rows.find((r) => r.replicas === 2);
  const efficiency = one && two ? two.imagesPerSec / (2 * one.imagesPerSec) : null;
  if (!json) {
    console.log('\nreplicas  workers  images/s');
    for (const r of rows) console.log(`${String(r.replicas).padStart(8)}  ${String(r.workers).padStart(7)}  ${r.imagesPerSec.toFixed(0).padStart(8)}`);
    if (efficiency !== null) console.log(`scaling efficiency (2 vs 2 x 1): ${efficiency.toFixed(3)}`);
  }
  console.log(JSON.stringify({ bench: 'train', model, backend, globalBatch, examplesPerEpoch: examples, epochs, rows, efficiency }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
