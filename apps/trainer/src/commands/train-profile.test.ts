/**
 * The trainer's profile wiring without a training run: which profilers a run gets, that an
 * earlier run's traces in --profile are not merged as this run's, and the flags' checks.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { startRunProfile, workerTraceFile } from './train-profile';
import { addTrainFlags, validateTrainOptions, type TrainOptions } from './train-options';

const parse = (argv: string[]): TrainOptions => {
  const cmd = addTrainFlags(new Command())
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  cmd.parse(argv, { from: 'user' });
  return validateTrainOptions(cmd.opts());
};

const context = (replicas: number) => ({ rank: 0, worldSize: 1, isChief: true, replicas, meta: {}, log: () => undefined });

describe('train --profile wiring', () => {
  it('defaults: straggler report every 100 steps at 20%, no timeline', () => {
    const o = parse([]);
    expect([o.profile, o.stragglerEvery, o.stragglerThreshold]).toEqual([undefined, 100, 0.2]);
    expect(() => parse(['--straggler-threshold', '-1'])).toThrow(/--straggler-threshold must be a number >= 0/);
    expect(() => parse(['--straggler-every', '1.5'])).toThrow(/--straggler-every must be an integer >= 0/);
  });

  it('one replica and no --profile: no profiler at all', () => {
    expect(startRunProfile(parse([]), context(1)).profiler).toBeUndefined();
    expect(startRunProfile(parse(['--straggler-every', '0']), context(4)).profiler).toBeUndefined();
  });

  it("writes this run's trace and never merges an earlier run's files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-wiring-'));
    writeFileSync(workerTraceFile(dir, 0), '{"stale": true}');
    writeFileSync(join(dir, 'trace.json'), '{"stale": true}');
    const run = startRunProfile(parse(['--profile', dir]), context(2));
    expect(existsSync(join(dir, 'trace.json'))).toBe(false);
    const start = Date.now();
    for (let s = 0; s < 3; s++) {
      for (const replica of [0, 1]) {
        run.profiler!.replicaStep(s, {
          replica,
          startMs: start + 10 * s,
          dataWaitMs: 1,
          forwardBackwardMs: 5,
          otherMs: 0,
          allReduceMs: 2,
          peerWaitMs: 1,
          optimizerMs: 2,
          bytes: 64,
          busyMs: 6,
        });
      }
    }
    const result = await run.finish();
    const merged = JSON.parse(readFileSync(result.profile!.merged!, 'utf8')) as { traceEvents: { cat?: string }[] };
    expect(merged.traceEvents.filter((e) => e.cat === 'step')).toHaveLength(6);
    expect(result.straggler).toMatchObject({ every: 100, intervals: 0 });
  });
});
