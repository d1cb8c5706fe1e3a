/**
 * `npm run bench -- train [--model cnn] [--backend tfjs] [--batch 64] [--replicas 2] [--rounds 2]
 *   [--epochs 3] [--examples N] [--isolation thread|process] [--workers 2] [--only single,weak] [--json]`
 *
 * Training throughput side by side, in one run, on real Fashion-MNIST. Each configuration
 * trains `--epochs` virtual epochs of `--examples` images; the first epoch of each is
 * warm-up and dropped. Configurations run interleaved for `--rounds` rounds (A B C D A B
 * C D ...), so a slow spell on this noisy machine hits all of them, and each figure is
 * the median of its kept epochs. Configurations, with P = `--batch` (per-replica batch):
 *   single       1 replica,  batch P
 *   weak         R replicas, global batch R x P (tf.distribute's convention: the
 *                per-replica batch stays P, global_batch = P x num_replicas_in_sync)
 *   strong       R replicas, global batch P (each replica gets P / R)
 *   single-half  1 replica,  batch P / R: what the smaller per-replica batch alone costs
 *   weak-replicated  as weak, with --no-shard-update (every replica applies the whole
 *                optimizer update; weak shards it where the backend can, e.g. onnx)
 * efficiency        = weak / (R x single)      (the scaling of the strategy itself)
 * strongEfficiency  = strong / (R x single)    (also paying for the smaller per-replica batch)
 * batchEffect       = single-half / single     (the ceiling strong scaling cannot beat)
 * replicatedEfficiency = weak-replicated / (R x single);  shardingGain = weak / weak-replicated
 *   weak-profile as weak, with --profile <tmp dir> (the timeline of every step, written at the end)
 * profileOverhead   = 1 - weak-profile / weak  (the cost of --profile; issue 19 asks <= 2%)
 *   weak-check   as weak, with --check-replicas-every 10 (hash and compare every replica's
 *                weights and optimizer state every 10 steps; every run checks at epoch ends)
 * agreementCheckOverhead = 1 - weak-check / weak  (the cost of checking every 10 steps)
 * `--workers W` adds W processes x 1 replica started by `syncline launch` (TCP ring on
 * loopback) at global batch W x P, and `workersEfficiency`.
 * With --json the last line is {rows: [{config, replicas, workers, globalBatch, imagesPerSec}], efficiency, ...}.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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

interface Config {
  readonly config: string;
  readonly replicas: number;
  readonly workers: number;
  readonly globalBatch: number;
  /** false: --no-shard-update */
  readonly shardUpdate?: boolean;
  /** true: --profile into a temporary directory */
  readonly profile?: boolean;
  /** --check-replicas-every this many steps */
  readonly checkEvery?: number;
}
/** The weak-check configuration's --check-replicas-every. */
const CHECK_EVERY_STEPS = 10;

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const model = arg('model', 'cnn');
  const backend = arg('backend', 'tfjs');
  const data = arg('data', '/usr/share/datasets/fashion-mnist');
  const perReplica = Number(arg('batch', '64'));
  // ~10 s per epoch on each backend at one replica: a single epoch must outlast the noise
  const examples = Number(arg('examples', model !== 'cnn' ? '60000' : backend === 'tfjs' ? '4096' : '16384'));
  const epochs = Number(arg('epochs', '3'));
  const rounds = Number(arg('rounds', '2'));
  const workers = Number(arg('workers', '1'));
  const replicas = Number(arg('replicas', String(Math.min(2, availableParallelism()))));
  const isolation = arg('isolation', 'thread') as 'thread' | 'process';
  if (!Number.isInteger(perReplica / replicas)) throw new Error(`--batch ${perReplica} must divide by --replicas ${replicas}`);
  const configs: Config[] = [
    { config: 'single', replicas: 1, workers: 1, globalBatch: perReplica },
    { config: 'weak', replicas, workers: 1, globalBatch: perReplica * replicas },
    { config: 'strong', replicas, workers: 1, globalBatch: perReplica },
    { config: 'single-half', replicas: 1, workers: 1, globalBatch: perReplica / replicas },
    { config: 'weak-replicated', replicas, workers: 1, globalBatch: perReplica * replicas, shardUpdate: false },
    { config: 'weak-profile', replicas, workers: 1, globalBatch: perReplica * replicas, profile: true },
    { config: 'weak-check', replicas, workers: 1, globalBatch: perReplica * replicas, checkEvery: CHECK_EVERY_STEPS },
  ];
  if (workers > 1) configs.push({ config: 'multi-worker', replicas: workers, workers, globalBatch: perReplica * workers });
  const only = arg('only', '').split(',').filter(Boolean); // e.g. --only single,weak for a quicker look
  if (only.length) configs.splice(0, configs.length, ...configs.filter((c) => only.includes(c.config)));

  const run = async (c: Config): Promise<number[]> => {
    if (c.workers > 1) {
      const args = [
        CLI,
        'launch',
        '--workers',
        String(c.workers),
        '--json',
        '--',
        'train',
        '--backend',
        backend,
        '--model',
        model,
        '--data',
        data,
        '--epochs',
        String(epochs),
        '--global-batch',
        String(c.globalBatch),
        '--virtual-epoch-size',
        String(examples),
        '--seed',
        '1',
        '--json',
      ];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
      const last = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !last.startsWith('{')) throw new Error(`syncline launch failed (${r.status}): ${r.stderr.slice(-2000)}`);
      return (JSON.parse(last).history as { examplesPerSec: number }[]).map((h) => h.examplesPerSec);
    }
    const profileDir = c.profile ? mkdtempSync(join(tmpdir(), 'bench-profile-')) : undefined;
    const options = validateTrainOptions({
      strategy: 'mirrored',
      replicas: c.replicas,
      isolation,
      backend,
      model,
      data,
      epochs,
      globalBatch: c.globalBatch,
      virtualEpochSize: examples,
      stepsPerExecution: Number(arg('steps-per-execution', '1')),
      seed: 1,
      json: true,
      timeoutMs: 300_000,
      shardUpdate: c.shardUpdate ?? true,
      ...(profileDir ? { profile: profileDir } : {}),
      ...(c.checkEvery ? { checkReplicasEvery: c.checkEvery } : {}),
    });
    try {
      const r = await runTrain(options, () => undefined, { skipValidation: true, skipTest: true });
      return r.history.map((h) => h.examplesPerSec as number);
    } finally {
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    }
  };

  const kept = new Map<string, number[]>(configs.map((c) => [c.config, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of configs) {
      const perEpoch = await run(c);
      kept.get(c.config)!.push(...(perEpoch.length > 1 ? perEpoch.slice(1) : perEpoch));
      if (!json)
        console.log(
          `round ${round + 1}: ${c.config.padEnd(15)} ${c.replicas} replica(s), global batch ${c.globalBatch}: epochs ${perEpoch.map((x) => x.toFixed(0)).join(', ')} images/s`,
        );
    }
  }
  const rows = configs.map((c) => ({ ...c, imagesPerSec: median(kept.get(c.config)!), keptEpochImagesPerSec: kept.get(c.config)!.map(Math.round) }));
  const ips = (name: string): number => rows.find((r) => r.config === name)?.imagesPerSec ?? NaN;
  const efficiency = ips('weak') / (replicas * ips('single'));
  const strongEfficiency = ips('strong') / (replicas * ips('single'));
  const batchEffect = ips('single-half') / ips('single');
  const replicatedEfficiency = ips('weak-replicated') / (replicas * ips('single'));
  const shardingGain = ips('weak') / ips('weak-replicated');
  const workersEfficiency = workers > 1 ? ips('multi-worker') / (workers * ips('single')) : null;
  const profileOverhead = 1 - ips('weak-profile') / ips('weak');
  const agreementCheckOverhead = 1 - ips('weak-check') / ips('weak');
  if (!json) {
    console.log(`\nconfig           replicas  workers  global batch  images/s   (median of ${rounds} rounds x ${epochs - 1} epochs of ${examples})`);
    for (const r of rows) {
      console.log(
        `${r.config.padEnd(15)}  ${String(r.replicas).padStart(8)}  ${String(r.workers).padStart(7)}  ${String(r.globalBatch).padStart(12)}  ${r.imagesPerSec.toFixed(0).padStart(8)}`,
      );
    }
    // a figure whose configurations were left out (--only) is NaN: not printed, null in the JSON
    if (Number.isFinite(efficiency))
      console.log(`scaling efficiency, per-replica batch ${perReplica} (weak / ${replicas} x single):   ${efficiency.toFixed(3)}`);
    if (Number.isFinite(strongEfficiency))
      console.log(`scaling efficiency, global batch ${perReplica} (strong / ${replicas} x single):       ${strongEfficiency.toFixed(3)}`);
    if (Number.isFinite(batchEffect)) console.log(`  of which the batch-size effect alone (single-half / single):     ${batchEffect.toFixed(3)}`);
    if (Number.isFinite(replicatedEfficiency))
      console.log(`  the same with every replica applying the whole update (weak-replicated): ${replicatedEfficiency.toFixed(3)}`);
    if (Number.isFinite(shardingGain)) console.log(`  sharded update gain (weak / weak-replicated):                    ${shardingGain.toFixed(3)}`);
    if (Number.isFinite(profileOverhead)) console.log(`--profile overhead (1 - weak-profile / weak):                  ${(100 * profileOverhead).toFixed(1)}%`);
    if (Number.isFinite(agreementCheckOverhead))
      console.log(`replica check every ${CHECK_EVERY_STEPS} steps overhead (1 - weak-check / weak):   ${(100 * agreementCheckOverhead).toFixed(1)}%`);
    if (workersEfficiency !== null) console.log(`multi-worker efficiency (${workers} workers vs ${workers} x single):        ${workersEfficiency.toFixed(3)}`);
  }
  console.log(
    JSON.stringify({
      bench: 'train',
      model,
      backend,
      isolation,
      perReplicaBatch: perReplica,
      examplesPerEpoch: examples,
      epochs,
      rounds,
      rows,
      efficiency,
      strongEfficiency,
      batchEffect,
      replicatedEfficiency,
      shardingGain,
      workersEfficiency,
      profileOverhead,
      agreementCheckOverhead,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
