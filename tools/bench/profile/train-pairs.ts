/**
 * `node --import tsx tools/bench/profile/train-pairs.ts [--pairs 12] [--examples 12800] [--batch 64]`
 *
 * --profile's cost in images/s with the noise of process start-up taken out: ONE MirroredStrategy
 * (2 thread replicas, tfjs as `syncline train` picks it, the MLP) trains one virtual epoch at a
 * time, alternately with and without the timeline (ABBA order per pair), both with the straggler
 * monitor the trainer always adds for several replicas. Prints the median of the per-pair ratios
 * with/without and the median images/s of each; the last line is JSON.
 */
import { combineProfilers, loadFashionMnist, MirroredStrategy, presetModelSpec, StragglerMonitor, TimelineRecorder } from '@syncline/core';
import { sharedMemory } from '@syncline/collective';
import { tfjs } from '@syncline/backend-tfjs';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const pairs = Number(arg('pairs', '12'));
  const examples = Number(arg('examples', '12800'));
  const perReplica = Number(arg('batch', '64'));
  const data = loadFashionMnist(arg('data', '/usr/share/datasets/fashion-mnist'), { trainLimit: 20_000 });
  const strategy = new MirroredStrategy({ replicas: 2, isolation: 'thread', backend: tfjs(), communicator: sharedMemory(), timeoutMs: 300_000 });
  const model = await strategy.createModel(presetModelSpec('mlp'), { seed: 1 });
  const epoch = async (profile: boolean, seed: number): Promise<number> => {
    const straggler = new StragglerMonitor({ every: 100 });
    const profiler = profile ? combineProfilers([new TimelineRecorder({ worker: 0, workers: 1 }), straggler])! : straggler;
    const h = await model.fit(data.train, { epochs: 1, globalBatchSize: 2 * perReplica, virtualEpochSize: examples, seed, profiler });
    return h.history[0]!.examplesPerSec;
  };
  try {
    await epoch(false, 0); // warm-up
    const ratios: number[] = [];
    const on: number[] = [];
    const off: number[] = [];
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? [false, true] : [true, false];
      const r: Record<string, number> = {};
      for (const profile of order) r[String(profile)] = await epoch(profile, p + 1);
      on.push(r['true']!);
      off.push(r['false']!);
      ratios.push(r['true']! / r['false']!);
      console.log(`pair ${p + 1}: without ${r['false']!.toFixed(0)}, with --profile ${r['true']!.toFixed(0)} images/s, ratio ${ratios[p]!.toFixed(3)}`);
    }
    const out = {
      bench: 'profile-train-pairs',
      pairs,
      examples,
      globalBatch: 2 * perReplica,
      medianRatio: median(ratios),
      withImagesPerSec: median(on),
      withoutImagesPerSec: median(off),
    };
    console.log(`median ratio with/without --profile: ${out.medianRatio.toFixed(4)} (${(100 * (1 - out.medianRatio)).toFixed(2)}% overhead)`);
    console.log(JSON.stringify(out));
  } finally {
    await model.dispose();
    await strategy.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
