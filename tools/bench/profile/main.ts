/**
 * `npm run bench -- profile [--steps 200000] [--replicas 2] [--rounds 5]`
 *
 * What `--profile` adds to a training step on the coordinator, measured alone: per step the
 * engine hands each local replica's phases to the TimelineRecorder and the straggler
 * monitor, the fit loop times the callbacks as spans and reports the group's end. This runs
 * exactly those calls (the profiler the trainer builds, on phase numbers shaped like a real
 * step's) `--steps` times and prints the cost per step in µs, the median of `--rounds`;
 * divide by a step's time (the train bench's images/s and batch) for the share. Also times
 * writing the trace of those steps, which happens once, after training.
 * With --json the last line is {bench: 'profile', perStepUs, perStepUsWithout, writeMsPer1000Steps, ...}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineProfilers, StragglerMonitor, TimelineRecorder, wallClockMs, type StepProfiler, type StepPhaseTimes } from '@syncline/core';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** One step as the fit loop and engine report it: replicas' phases, 3 callback spans, the group end. */
function drive(p: StepProfiler, steps: number, replicas: number): void {
  const phases: StepPhaseTimes[] = Array.from({ length: replicas }, (_, r) => ({
    replica: r,
    startMs: wallClockMs(),
    dataWaitMs: 0.1,
    forwardBackwardMs: 5,
    otherMs: 0.05,
    allReduceMs: 1,
    peerWaitMs: 0.2,
    optimizerMs: 2,
    bytes: 400_000,
    busyMs: 7,
  }));
  const totals = { steps: 0, stepMs: 0, busyMs: new Float64Array(replicas), peerWaitMs: new Float64Array(replicas) };
  for (let s = 0; s < steps; s++) {
    for (const ph of phases) p.replicaStep(s, ph);
    p.rankTotals?.(s, totals);
    p.groupEnd?.(s, s, wallClockMs());
    const t = wallClockMs();
    p.span?.('callbacks', s + 1, t, wallClockMs() - t);
  }
}

function main(): void {
  const steps = Number(arg('steps', '200000'));
  const replicas = Number(arg('replicas', '2'));
  const rounds = Number(arg('rounds', '5'));
  const withProfile: number[] = [];
  const without: number[] = [];
  const writes: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  try {
    for (let r = 0; r < rounds; r++) {
      const straggler = new StragglerMonitor({ every: 100 });
      let t = performance.now();
      drive(straggler, steps, replicas);
      without.push(((performance.now() - t) * 1000) / steps);
      const timeline = new TimelineRecorder({ worker: 0, workers: 1 });
      t = performance.now();
      drive(combineProfilers([timeline, new StragglerMonitor({ every: 100 })])!, steps, replicas);
      withProfile.push(((performance.now() - t) * 1000) / steps);
      t = performance.now();
      timeline.write(join(dir, 'trace.json'));
      writes.push(((performance.now() - t) * 1000) / steps);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = {
    bench: 'profile',
    steps,
    replicas,
    rounds,
    perStepUs: median(withProfile),
    perStepUsWithout: median(without),
    writeMsPer1000Steps: median(writes),
  };
  if (!process.argv.includes('--json')) {
    console.log(`${steps} steps x ${replicas} replicas, median of ${rounds} rounds:`);
    console.log(`  timeline + straggler monitor: ${out.perStepUs.toFixed(3)} µs per step`);
    console.log(`  straggler monitor alone (no --profile): ${out.perStepUsWithout.toFixed(3)} µs per step`);
    console.log(`  writing the trace afterwards: ${out.writeMsPer1000Steps.toFixed(2)} ms per 1000 steps`);
  }
  console.log(JSON.stringify(out));
}

main();
