/**
 * `syncline train --profile` and the straggler report on real workers (built CLI, two
 * `--strategy multi-worker` processes on a loopback TCP ring, sample Fashion-MNIST):
 *   - the merged trace is well-formed Trace Event Format (trace-format.ts: no offline
 *     maintained viewer exists here), holds every step of every worker, and each worker's
 *     replica steps (the sum of their phases) add up to the coordinator's own measure of
 *     the same steps within 5%;
 *   - with one worker slowed on purpose (SYNCLINE_TEST_STEP_DELAY_MS on worker 1 only),
 *     the chief's report names rank 1 as the slowest, its JSON says so, and exactly one
 *     warning line names it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { finishOk, killAll, loopbackAddresses, requireBuiltCli, spawnCli, tempDir, tfConfig, trainArgs, writeSpec } from './cluster-helpers';
import { traceFormatProblems } from './trace-format';

const TOKEN = 'profile-timeline-e2e-token-0123456789';
const STEPS_PER_EPOCH = 24;
const EPOCHS = 2;
/** Delay per step on the slowed worker, ms: well above a tiny MLP's step on this machine. */
const DELAY_MS = 40;

interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur: number;
  cat?: string;
  args?: Record<string, number>;
}

async function runWorkers(flags: string[], envFor: (rank: number) => Record<string, string> = () => ({})) {
  const addresses = await loopbackAddresses(2);
  const spec = writeSpec(tempDir('profile-spec'));
  const args = [
    '--strategy',
    'multi-worker',
    '--replicas',
    '1',
    '--model',
    spec,
    '--global-batch',
    '32',
    '--virtual-epoch-size',
    String(32 * STEPS_PER_EPOCH),
    '--epochs',
    String(EPOCHS),
    ...flags,
  ];
  const procs = addresses.map((_, rank) =>
    spawnCli(`rank ${rank}`, trainArgs(args), { TF_CONFIG: tfConfig(addresses, rank), SYNCLINE_AUTH_TOKEN: TOKEN, ...envFor(rank) }),
  );
  return { procs, results: await finishOk(procs) };
}

afterEach(killAll);
beforeAll(() => requireBuiltCli());

describe('syncline train --profile (2 workers)', () => {
  it('writes a merged trace with every step of every worker, whose phases sum to the measured step time', async () => {
    const dir = join(tempDir('profile'), 'trace');
    const { procs, results } = await runWorkers(['--profile', dir]);
    const chief = results[0] as { profile: { merged: string; trace: string; mergedBytes: number } };
    expect(chief.profile.merged).toBe(join(dir, 'trace.json'));
    const sizes = [0, 1].map((r) => statSync(join(dir, `trace-worker-${r}.json`)).size);
    const file = JSON.parse(readFileSync(chief.profile.merged, 'utf8')) as { traceEvents: Ev[]; otherData: Record<string, unknown> };
    expect(traceFormatProblems(file)).toEqual([]);
    const ev = file.traceEvents;
    const total = STEPS_PER_EPOCH * EPOCHS;
    const report: string[] = [`trace files: worker 0 ${sizes[0]} bytes, worker 1 ${sizes[1]} bytes, merged ${chief.profile.mergedBytes} bytes`];
    for (const pid of [0, 1]) {
      const steps = ev.filter((e) => e.pid === pid && e.cat === 'step');
      expect(new Set(steps.map((e) => e.tid))).toEqual(new Set([pid])); // one replica per worker: its global rank
      expect(steps.map((e) => Number(e.args!['step'])).sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
      // each step's phases tile it: data wait (+ checkpoint/validation), forward+backward, copy, all-reduce, optimizer
      for (const s of steps) {
        const inside = ev.filter(
          (e) => e.pid === pid && e.tid === s.tid && e.ph === 'X' && e !== s && e.ts >= s.ts - 0.002 && e.ts + e.dur <= s.ts + s.dur + 0.002,
        );
        const phases = inside.filter((e) => e.cat === 'phase' || e.name === 'all-reduce').reduce((a, e) => a + e.dur, 0);
        expect(Math.abs(phases - s.dur)).toBeLessThan(0.01 + 1e-6 * s.dur);
      }
      // the phases against the coordinator's own clock: steps 1..N-1 (step 0 has no previous end on the coordinator)
      const phaseSum = steps.filter((e) => e.args!['step']! >= 1).reduce((a, e) => a + e.dur, 0);
      const coordinator = ev.filter((e) => e.pid === pid && e.cat === 'coordinator-step');
      expect(coordinator).toHaveLength(total - 1);
      const measured = coordinator.reduce((a, e) => a + e.dur, 0);
      const ratio = phaseSum / measured;
      const perStep = steps
        .filter((e) => e.args!['step']! >= 1)
        .map((s, i) => s.dur / coordinator[i]!.dur)
        .sort((a, b) => a - b);
      report.push(
        `worker ${pid}: ${steps.length} steps; phases ${(phaseSum / 1000).toFixed(1)} ms vs coordinator-measured ${(measured / 1000).toFixed(1)} ms: ` +
          `ratio ${ratio.toFixed(4)}; per-step ratio median ${perStep[perStep.length >> 1]!.toFixed(3)}`,
      );
      expect(ratio).toBeGreaterThan(0.95);
      expect(ratio).toBeLessThan(1.05);
      expect(ev.filter((e) => e.pid === pid && e.name === 'all-reduce').every((e) => e.args!['bytes']! > 0)).toBe(true);
    }
    // aligned clocks: the workers' all-reduces of a step end together
    const ends = (pid: number): number[] => ev.filter((e) => e.pid === pid && e.name === 'all-reduce').map((e) => e.ts + e.dur);
    const gaps = ends(0)
      .map((t, i) => Math.abs(t - ends(1)[i]!))
      .sort((a, b) => a - b);
    report.push(
      `all-reduce end gap between workers after alignment: median ${gaps[gaps.length >> 1]!.toFixed(1)} µs; offsets ${String(file.otherData['clockOffsetsUs'])}`,
    );
    expect(gaps[gaps.length >> 1]!).toBeLessThan(5_000);
    expect(procs[0]!.stderr).toMatch(/^profile: .*trace\.json \(2 worker\(s\), \d+ bytes/m);
    console.log(report.join('\n'));
  }, 180_000);
});

describe('straggler report (2 workers, worker 1 slowed on purpose)', () => {
  it('names rank 1 as the straggler, once', async () => {
    const { procs, results } = await runWorkers(['--straggler-every', '8'], (rank): Record<string, string> =>
      rank === 1 ? { SYNCLINE_TEST_STEP_DELAY_MS: String(DELAY_MS) } : {},
    );
    const lines = procs[0]!.stderr.split('\n');
    const reports = lines.filter((l) => l.startsWith('straggler: '));
    const warnings = lines.filter((l) => l.startsWith('warning: rank'));
    console.log([...reports, ...warnings].join('\n'));
    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(reports.every((l) => /slowest rank 1 \(worker 1\)/.test(l))).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/^warning: rank 1 \(worker 1\) is a straggler: slowest for 3 intervals of 8 steps in a row/)]);
    // worker 1 prints no report lines; both JSON results carry the summary
    expect(procs[1]!.stderr).not.toMatch(/^straggler: /m);
    for (const r of results as { straggler: { overall: { slowestRank: number; slowerBy: number; ranks: { waitShare: number }[] }; warned: number[] } }[]) {
      expect(r.straggler.overall.slowestRank).toBe(1);
      expect(r.straggler.overall.slowerBy).toBeGreaterThan(0.2);
      // the fast rank waits for the slow one; the slow one hardly waits
      expect(r.straggler.overall.ranks[0]!.waitShare).toBeGreaterThan(r.straggler.overall.ranks[1]!.waitShare);
    }
    expect((results[0] as { straggler: { warned: number[] } }).straggler.warned).toEqual([1]);
  }, 180_000);
});
