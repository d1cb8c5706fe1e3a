/**
 * The timeline and straggler pieces on numbers whose answers are known: a trace's step
 * children sum to the step, a worker's clock offset is found and removed by the merge,
 * the slowest rank is named with its excess, and a persistent straggler is warned ONCE.
 */
import type { RankTotals, StepPhaseTimes } from '../contracts/step-profiler';
import { PhaseClock } from '../internal/profile/phase-clock';
import { StragglerMonitor } from './straggler-monitor';
import { stragglerInterval } from './straggler-stats';
import { TimelineRecorder } from './timeline-recorder';
import { mergeTraces } from './trace-merge';
import { mergeTraceFiles } from './trace-file-merge';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function phases(replica: number, startMs: number, fb: number, ar: number, peer: number): StepPhaseTimes {
  return {
    replica,
    startMs,
    dataWaitMs: 1,
    forwardBackwardMs: fb,
    otherMs: 0.5,
    allReduceMs: ar,
    peerWaitMs: peer,
    optimizerMs: 2,
    bytes: 4096,
    busyMs: fb + 3.5,
  };
}

/** A worker whose 5 steps end their all-reduce at 1000 + 20 s (+ skewMs on its clock). */
function recorder(worker: number, skewMs: number, fb: number): TimelineRecorder {
  const r = new TimelineRecorder({ worker, workers: 2 });
  for (let s = 0; s < 5; s++) {
    const arEnd = 1_000_000 + 20 * s + skewMs;
    const start = arEnd - 3 - 1.5 - fb; // data wait 1 + fb + copy 0.5 + all-reduce 3
    r.replicaStep(s, phases(worker, start, fb, 3, 0));
    r.groupEnd(s, s, arEnd + 2.1);
  }
  r.span('checkpoint', 3, 1_000_000 + 20 * 3 + skewMs - 4.5 - fb + 0.2, 0.5); // inside step 3's 1 ms data wait
  return r;
}

const totals = (steps: number, busy: number[], wait: number[], stepMs: number): RankTotals => ({
  steps,
  stepMs: steps * stepMs,
  busyMs: Float64Array.from(busy.map((b) => b * steps)),
  peerWaitMs: Float64Array.from(wait.map((w) => w * steps)),
});

describe('timeline', () => {
  it('puts every step on its replica with phases that sum to the step', () => {
    const trace = recorder(0, 0, 10).toTrace();
    const steps = trace.traceEvents.filter((e) => e.cat === 'step');
    expect(steps.map((e) => e.args?.['step'])).toEqual([0, 1, 2, 3, 4]);
    for (const step of steps) {
      const inside = trace.traceEvents.filter(
        (e) => e.ph === 'X' && e.tid === step.tid && e.cat !== 'step' && e.cat !== 'collective' && e.ts! >= step.ts! && e.ts! < step.ts! + step.dur!,
      );
      const ar = trace.traceEvents.filter((e) => e.name === 'all-reduce' && e.args?.['step'] === step.args?.['step']);
      const sum = inside.reduce((a, e) => a + e.dur!, 0) + ar[0]!.dur!;
      expect(sum).toBeCloseTo(step.dur!, 2);
    }
    // the checkpoint before step 3 is cut out of that step's data wait
    expect(trace.traceEvents.filter((e) => e.name === 'checkpoint' && e.tid === 0).map((e) => e.dur)).toEqual([500]);
    expect(trace.traceEvents.filter((e) => e.name === 'data wait' && e.tid === 0).map((e) => Math.round(e.dur!))).toEqual([1000, 1000, 1000, 200, 300, 1000]);
  });

  it('merges workers onto the chief clock through the all-reduce ends', () => {
    const merged = mergeTraces([recorder(1, 250, 14).toTrace(), recorder(0, 0, 10).toTrace()]);
    expect(JSON.parse(String(merged.otherData['clockOffsetsUs']))).toEqual({ 0: 0, 1: -250_000 });
    const ends = (pid: number): number[] => merged.traceEvents.filter((e) => e.pid === pid && e.name === 'all-reduce').map((e) => e.ts! + e.dur!);
    ends(1).forEach((end, i) => expect(end).toBeCloseTo(ends(0)[i]!, 3));
    expect(() => mergeTraces([recorder(0, 0, 1).toTrace(), recorder(0, 0, 1).toTrace()])).toThrow(/two traces claim/);
  });

  it('streams files to disk and merges them to the same trace as in memory, the earlier worker moving the base back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-files-'));
    const [a, b] = [recorder(0, 0, 10), recorder(1, -2500, 14)];
    a.write(join(dir, 'a.json'));
    b.write(join(dir, 'b.json'));
    const bytes = mergeTraceFiles([join(dir, 'a.json'), join(dir, 'b.json')], join(dir, 'm.json'));
    const fromFiles = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(bytes).toBeGreaterThan(1000);
    const inMemory = mergeTraces([a.toTrace(), b.toTrace()]);
    expect(fromFiles.traceEvents).toEqual(inMemory.traceEvents);
    expect(fromFiles.otherData).toEqual(inMemory.otherData);
    expect(Math.min(...fromFiles.traceEvents.filter((e: { ts?: number }) => e.ts !== undefined).map((e: { ts: number }) => e.ts))).toBeGreaterThanOrEqual(0);
  });
});

describe('straggler report', () => {
  it('names the slowest rank and its excess over the others', () => {
    const s = stragglerInterval(totals(0, [0, 0, 0], [0, 0, 0], 0), totals(10, [10, 15, 10], [5, 0, 5], 16), 1, 10)!;
    expect(s.slowestRank).toBe(1);
    expect(s.slowerBy).toBeCloseTo(0.5);
    expect(s.ranks[0]!.computeShare).toBeCloseTo(10 / 16);
    expect(s.ranks[0]!.waitShare).toBeCloseTo(5 / 16);
  });

  it('warns once about a rank that stays slower than the threshold', () => {
    const lines: string[] = [];
    const m = new StragglerMonitor({ every: 10, threshold: 0.2, persist: 2, log: (l) => lines.push(l) });
    for (let i = 0; i <= 6; i++) m.rankTotals(10 * i, totals(10 * i, [10, 13], [3, 0], 14));
    expect(lines.filter((l) => l.startsWith('straggler:'))).toHaveLength(6);
    const warnings = lines.filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([expect.stringMatching(/^warning: rank 1 \(worker 1\) is a straggler: slowest for 2 intervals/)]);
    expect(m.summary().overall!.slowestRank).toBe(1);
  });

  it('does not warn when the slowest rank changes or stays under the threshold', () => {
    const lines: string[] = [];
    const m = new StragglerMonitor({ every: 1, threshold: 0.2, persist: 2, log: (l) => lines.push(l) });
    const busy = [
      [10, 13],
      [13, 10],
      [10, 13],
      [10, 11],
      [10, 11],
    ];
    let acc = [0, 0];
    m.rankTotals(0, totals(0, [0, 0], [0, 0], 0));
    busy.forEach((b, i) => {
      acc = acc.map((a, r) => a + b[r]!);
      m.rankTotals(i + 1, { steps: i + 1, stepMs: 14 * (i + 1), busyMs: Float64Array.from(acc), peerWaitMs: new Float64Array(2) });
    });
    expect(lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
  });
});

describe('PhaseClock', () => {
  it('makes phases that add up to the step and reads the wait for the slowest rank from the sum', async () => {
    const clock = new PhaseClock(0, 2, {});
    const buf = new Float32Array(2);
    clock.begin();
    clock.gradientsDone();
    clock.arrive(buf, 0);
    buf[1] = buf[0]! + 5; // the other rank was busy 5 ms longer
    await new Promise((r) => setTimeout(r, 8));
    clock.collectiveDone(buf, 0);
    clock.optimizerStart();
    const m = clock.metrics({ lossSum: 0, count: 1, correct: 0, stopRequested: false }, 8);
    const sum = m.dataWaitMs + m.forwardBackwardMs + m.otherMs + m.allReduceMs + m.optimizerMs;
    expect(sum).toBeGreaterThan(0);
    expect(m.peerWaitMs).toBeCloseTo(5, 1);
    expect(clock.totals().peerWaitMs[0]).toBeCloseTo(5, 1);
    expect(clock.totals().peerWaitMs[1]).toBe(0);
  });

  it('blocks each step for the test delay', () => {
    const clock = new PhaseClock(0, 1, { SYNCLINE_TEST_STEP_DELAY_MS: '30' });
    clock.begin();
    clock.gradientsDone();
    clock.arrive(new Float32Array(1), 0);
    expect(clock.metrics({ lossSum: 0, count: 0, correct: 0, stopRequested: false }, 0).forwardBackwardMs).toBeGreaterThanOrEqual(29);
  });
});
