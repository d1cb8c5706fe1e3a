/**
 * Benchmark: examples/s of the data pipeline (seeded shuffle + DATA shard + per-replica
 * batching into reused buffers) over the full Fashion-MNIST training set on one core,
 * side by side with a naive baseline (Array shuffle with a seeded float generator, filter
 * shard, a fresh Float32Array per batch) measured in the same run.
 *
 * Protocol:
 * 1. Load train-images/labels (60,000) once; loading is timed and reported apart.
 * 2. For each source layout (float32: loadFashionMnist's default, pixels converted once;
 *    uint8: bytes scaled on every read), global batch 64 and 256, and 1 and 2 workers
 *    (both ranks of a 2-worker job run one after the other on this one core, each
 *    computing the shared permutation as it would on its own machine): run WARMUP
 *    untimed epochs, then EPOCHS timed ones (each a new pass, so a new shuffle); report
 *    the median epoch's examples/s over all ranks.
 * 3. The same for the naive baseline; ratio = ours / naive.
 * 4. With --json, the last line is one JSON object: examplesPerSec (float32, batch 64,
 *    1 worker), baselineExamplesPerSec, ratio, and every row.
 * 5. Streamed formats (formats.ts): TFRecord and CSV read by Syncline against
 *    tf.data + tf.io.parse_example and pandas.read_csv on the same files, one core each;
 *    then the CNN trained from TFRecord shards against memory (train-row.ts). Skipped with
 *    --no-formats; JSON fields `formats` and `training`.
 * 6. --stream-gb N: only the memory row (stream-memory.ts): one epoch from an N GB CSV.
 * Usage: npm run bench -- data [--json] [--dir DIR] [--epochs N] [--no-formats] [--stream-gb N]
 */
import { join } from 'node:path';
import { distributeDataset, loadFashionMnist, DEFAULT_FASHION_MNIST_DIR, type ExampleSource } from '@syncline/core';
import { naiveEpoch } from './naive';
import { benchFormats } from './formats';
import { benchTraining } from './train-row';
import { benchStreamMemory } from './stream-memory';

const TARGET_EXAMPLES_PER_SEC = 200_000;
const GLOBAL_BATCHES = [64, 256] as const;
const WORKER_COUNTS = [1, 2] as const;
const DEFAULT_EPOCHS = 7;
const WARMUP_EPOCHS = 2;
const SOURCES = ['float32', 'uint8'] as const;
const SEED = 2024;

interface Row {
  impl: 'syncline' | 'naive';
  globalBatchSize: number;
  workers: number;
  source: string;
  examplesPerSec: number;
  /** examples per second of this process's CPU time (user + system): steadier on a shared machine. */
  examplesPerCpuSec: number;
  epochMs: number[];
}

interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

/** Times `fn` for WARMUP_EPOCHS untimed and `epochs` timed calls (wall and process CPU). */
function timeEpochs(epochs: number, fn: (epoch: number) => void): Timing {
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let e = 0; e < WARMUP_EPOCHS + epochs; e++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(e);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (e >= WARMUP_EPOCHS) {
      wallMs.push(wall);
      cpuMs.push((c.user + c.system) / 1000);
    }
  }
  return { wallMs, cpuMs };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Sums one value per batch so the work cannot be optimised away. */
let sink = 0;

function runOurs(source: ExampleSource, G: number, W: number, epochs: number): Timing {
  const datasets = Array.from({ length: W }, (_, w) =>
    distributeDataset(source, { globalBatchSize: G, seed: SEED, autoShardPolicy: 'DATA' }, { numInputPipelines: W, inputPipelineId: w, numReplicasInSync: W }),
  );
  return timeEpochs(epochs, (e) => {
    for (const ds of datasets) for (const batches of ds.epoch(e)) for (const b of batches) sink += b.size > 0 ? b.x[0]! + b.y[0]! : 0;
  });
}

function runNaive(images: Uint8Array, labels: Uint8Array, G: number, W: number, epochs: number): Timing {
  return timeEpochs(epochs, (e) => {
    for (let w = 0; w < W; w++) for (const b of naiveEpoch(images, labels, 784, G, W, w, e)) sink += b.x[0]! + b.y[0]!;
  });
}

function row(impl: Row['impl'], G: number, W: number, source: string, n: number, t: Timing): Row {
  return {
    impl,
    globalBatchSize: G,
    workers: W,
    source,
    examplesPerSec: Math.round(n / (median(t.wallMs) / 1000)),
    examplesPerCpuSec: Math.round(n / (median(t.cpuMs) / 1000)),
    epochMs: t.wallMs.map((x) => +x.toFixed(1)),
  };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const dir = arg('--dir', DEFAULT_FASHION_MNIST_DIR);
  if (process.argv.includes('--stream-gb')) {
    const row = await benchStreamMemory(Number(arg('--stream-gb', '2')), dir, (l) => console.log(l));
    if (json) console.log(JSON.stringify({ bench: 'data-stream-memory', ...row }));
    return;
  }
  const epochs = Number(arg('--epochs', String(DEFAULT_EPOCHS)));
  const t0 = performance.now();
  const { train } = loadFashionMnist(dir);
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const { train: trainBytes } = loadFashionMnist(dir, { dtype: 'uint8' });
  const loadBytesMs = performance.now() - t1;
  const images = trainBytes.x as Uint8Array;
  const labels = trainBytes.y as Uint8Array;
  const sources: Record<(typeof SOURCES)[number], ExampleSource> = { float32: train, uint8: trainBytes };
  const n = train.size;
  const rows: Row[] = [];
  for (const G of GLOBAL_BATCHES) {
    for (const W of WORKER_COUNTS) {
      for (const kind of SOURCES) {
        rows.push(row('syncline', G, W, kind, n, runOurs(sources[kind], G, W, epochs)));
      }
      rows.push(row('naive', G, W, 'uint8', n, runNaive(images, labels, G, W, epochs)));
    }
  }
  const pick = (impl: Row['impl'], G: number, W: number, source = 'float32'): Row =>
    rows.find((r) => r.impl === impl && r.globalBatchSize === G && r.workers === W && (impl === 'naive' || r.source === source))!;
  console.log(
    `Fashion-MNIST train: ${n} examples from ${dir}; load ${loadMs.toFixed(0)} ms (float32), ${loadBytesMs.toFixed(0)} ms (uint8); ${WARMUP_EPOCHS} warm-up + ${epochs} timed epochs per row (median), one core`,
  );
  console.log('examples/s of wall time (in brackets: of process CPU time)');
  console.log('global batch  workers  syncline f32 ex/s         syncline u8 ex/s          naive ex/s                ratio (f32/naive)');
  for (const G of GLOBAL_BATCHES)
    for (const W of WORKER_COUNTS) {
      const o = pick('syncline', G, W);
      const u = pick('syncline', G, W, 'uint8');
      const b = pick('naive', G, W);
      const cell = (r: Row): string => `${r.examplesPerSec} (${r.examplesPerCpuSec})`.padEnd(24);
      console.log(
        `${String(G).padStart(12)}  ${String(W).padStart(7)}  ${cell(o)}  ${cell(u)}  ${cell(b)}  ${(o.examplesPerSec / b.examplesPerSec).toFixed(2)}x`,
      );
    }
  const head = pick('syncline', 64, 1);
  const base = pick('naive', 64, 1);
  console.log(
    `headline (float32 source, batch 64, 1 worker): ${head.examplesPerSec} examples/s; target >= ${TARGET_EXAMPLES_PER_SEC}: ${head.examplesPerSec >= TARGET_EXAMPLES_PER_SEC ? 'met' : 'NOT met'} (checksum ${sink.toFixed(0)})`,
  );
  const streamed = process.argv.includes('--no-formats') ? undefined : benchFormats(dir, (l) => console.log(l));
  const training = streamed?.tfrecordDir
    ? benchTraining(join(streamed.tfrecordDir, 'train.tfrecord-*'), join(streamed.tfrecordDir, 'test.tfrecord'), dir, (l) => console.log(l))
    : undefined;
  if (json) {
    console.log(
      JSON.stringify({
        ...(streamed ? { formats: streamed.rows } : {}),
        ...(training ? { training } : {}),
        bench: 'data',
        examplesPerSec: head.examplesPerSec,
        baselineExamplesPerSec: base.examplesPerSec,
        ratio: +(head.examplesPerSec / base.examplesPerSec).toFixed(2),
        examplesPerCpuSec: head.examplesPerCpuSec,
        baselineExamplesPerCpuSec: base.examplesPerCpuSec,
        examplesPerSecBatch256: pick('syncline', 256, 1).examplesPerSec,
        examplesPerSecUint8: pick('syncline', 64, 1, 'uint8').examplesPerSec,
        target: TARGET_EXAMPLES_PER_SEC,
        datasetSize: n,
        epochs,
        source: 'float32',
        loadMs: Math.round(loadMs),
        loadUint8Ms: Math.round(loadBytesMs),
        rows,
      }),
    );
  }
}

void main();
