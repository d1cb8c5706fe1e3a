// The metric spec, its layout and epoch values: defaults, validation errors that name the
// metric, ROC AUC checked against Keras' documented example and against the Mann-Whitney
// statistic computed independently from sorted scores, and the exactness of summing the
// per-replica vectors (two halves of a batch give the whole batch's sums).
import { parseModelSpec } from './parse-model-spec';
import { metricLayout, metricLogs, validationKey } from './metric-layout';
import { addMetricSums } from './metric-sums';
import { aucFromCounts, aucThresholds } from './auc';
import { InvalidConfigError } from '../errors/invalid-config-error';
import type { ModelSpecInput } from '../spec/model-spec';

const classifier = (metrics: unknown): ModelSpecInput =>
  ({ inputShape: [4], layers: [{ type: 'dense', units: 6, activation: 'softmax' }], metrics }) as ModelSpecInput;
const binary = (metrics: unknown): ModelSpecInput =>
  ({ inputShape: [4], layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', metrics }) as ModelSpecInput;

/** Exact ROC AUC from sorted scores: P(score of a positive > score of a negative) + ties / 2. */
function mannWhitneyAuc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  let negativesBelow = 0;
  let pairs = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < order.length && order[j]![0] === order[i]![0]) order[j++]![1] ? pos++ : neg++;
    pairs += pos * negativesBelow + (pos * neg) / 2;
    negativesBelow += neg;
    i = j;
  }
  const positives = labels.filter((l) => l).length;
  return pairs / (positives * (labels.length - positives));
}

describe('metric spec', () => {
  it("keeps ['accuracy'] the default and valid", () => {
    expect(parseModelSpec(classifier(undefined)).metrics).toEqual(['accuracy']);
    expect(metricLayout(['accuracy']).size).toBe(0);
  });

  it('takes names and objects, with Keras defaults k = 5 and 200 thresholds', () => {
    const spec = parseModelSpec(classifier(['accuracy', 'topKAccuracy', 'meanSquaredError', { name: 'meanAbsoluteError' }]));
    const layout = metricLayout(spec.metrics, 6);
    expect(layout.slots.map((s) => [s.key, s.offset])).toEqual([
      ['topKAccuracy', 0],
      ['mse', 1],
      ['mae', 2],
    ]);
    expect(layout.slots[0]).toMatchObject({ k: 5 });
    const auc = metricLayout(parseModelSpec(binary(['auc'])).metrics, 1);
    expect(auc.slots[0]).toMatchObject({ kind: 'auc', numThresholds: 200, length: 402 });
    expect(metricLayout([{ name: 'topKAccuracy', k: 3 }]).slots[0]).toMatchObject({ k: 3 });
  });

  it.each<[string, ModelSpecInput, RegExp]>([
    ['an unknown metric', classifier(['precision']), /metrics\.0/],
    ['k = 0', classifier([{ name: 'topKAccuracy', k: 0 }]), /metrics\.0\.k/],
    ['a metric named twice', classifier(['auc', { name: 'auc', numThresholds: 10 }]), /named twice/],
    ['auc on a 6-unit output', classifier(['auc']), /auc on a binary output: the last layer has 6 units/],
    ['top-k on a 1-unit output', binary(['topKAccuracy']), /topKAccuracy .* 2 or more units/],
  ])('refuses %s with a coded error naming it', (_what, input, message) => {
    const parse = (): unknown => parseModelSpec(input);
    expect(parse).toThrow(InvalidConfigError);
    expect(parse).toThrow(message);
  });
});

describe('metric values', () => {
  it("matches Keras' AUC example: labels [0, 0, 1, 1], scores [0, 0.5, 0.3, 0.9], 3 thresholds -> 0.75", () => {
    const layout = metricLayout([{ name: 'auc', numThresholds: 3 }], 1);
    const sums = new Float64Array(layout.size);
    addMetricSums(layout, [0, 0.5, 0.3, 0.9], [0, 0, 1, 1], 4, 1, sums);
    expect(metricLogs(layout, 4, 0, sums).auc).toBeCloseTo(0.75, 12);
  });

  it('equals the Mann-Whitney AUC when every distinct score falls between its own pair of thresholds', () => {
    // 200 thresholds at i / 199: scores at bin midpoints, with ties, so the interpolated curve is the exact ROC curve
    const bins = [3, 17, 40, 41, 90, 120, 121, 150, 198];
    const scores: number[] = [];
    const labels: number[] = [];
    let state = 12345;
    const rand = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let e = 0; e < 300; e++) {
      const bin = bins[Math.floor(rand() * bins.length)]!;
      scores.push((bin + 0.5) / 199);
      labels.push(rand() < bin / 199 ? 1 : 0);
    }
    const layout = metricLayout(['auc'], 1);
    const sums = new Float64Array(layout.size);
    addMetricSums(layout, Float32Array.from(scores), labels, scores.length, 1, sums);
    const exact = mannWhitneyAuc(Array.from(Float32Array.from(scores)), labels);
    expect(exact).toBeGreaterThan(0.6);
    expect(aucFromCounts(sums, 0, 200)).toBeCloseTo(exact, 12);
  });

  it('places the thresholds as Keras does: just outside [0, 1] at the ends, i / (T - 1) between', () => {
    const t = aucThresholds(200);
    expect(t[0]).toBeLessThan(0);
    expect(t[199]).toBeGreaterThan(1);
    expect(t[1]).toBe(Math.fround(1 / 199));
  });

  it('computes top-k with ties in, mse and mae against one-hot targets', () => {
    const layout = metricLayout([{ name: 'topKAccuracy', k: 2 }, 'meanSquaredError', 'meanAbsoluteError'], 3);
    // label 2 ties second place (in), label 0 is third (out), label 1 is first (in)
    const preds = [0.5, 0.25, 0.25, 0.1, 0.3, 0.6, 0.2, 0.7, 0.1];
    const sums = new Float64Array(layout.size);
    addMetricSums(layout, preds, [2, 0, 1], 3, 3, sums);
    const logs = metricLogs(layout, 3, 0, sums);
    expect(logs.topKAccuracy).toBeCloseTo(2 / 3, 12);
    const sq = [0.25 + 0.0625 + 0.5625, 0.81 + 0.09 + 0.36, 0.04 + 0.09 + 0.01];
    expect(logs.mse).toBeCloseTo((sq[0]! + sq[1]! + sq[2]!) / 9, 12);
    expect(logs.mae).toBeCloseTo((1.5 + 1.8 + 0.6) / 9, 12);
    expect(validationKey('mse')).toBe('valMse');
  });

  it('sums of two replica halves equal the whole batch exactly (counts reduce as sums)', () => {
    const layout = metricLayout(['meanAbsoluteError', { name: 'auc', numThresholds: 50 }], 1);
    expect(layout.size).toBe(1 + 102);
    const n = 64;
    const preds = Float32Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 100);
    const labels = Int32Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const whole = new Float32Array(layout.size);
    addMetricSums(layout, preds, labels, n, 1, whole);
    const a = new Float32Array(layout.size);
    const b = new Float32Array(layout.size);
    addMetricSums(layout, preds.subarray(0, 40), labels.subarray(0, 40), 40, 1, a);
    addMetricSums(layout, preds.subarray(40), labels.subarray(40), n - 40, 1, b);
    const reduced = a.map((v, i) => v + b[i]!);
    const aucSlots = (v: Float32Array): number[] => Array.from(v.subarray(1));
    expect(aucSlots(reduced)).toEqual(aucSlots(whole));
    expect(metricLogs(layout, n, 0, reduced).auc).toBe(metricLogs(layout, n, 0, whole).auc);
  });
});
