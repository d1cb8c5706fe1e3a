// The sequence-model layer rules on the XLA CPU plugin against @tensorflow/tfjs (cpu backend):
// forward y, and dx and every parameter gradient of sum(y * dy) for a fixed random dy, each
// within 1e-4 relative (L2) of tfjs' forward and tf.grads.
import * as tf from '@tensorflow/tfjs';
import type { ModelSpecInput } from '@syncline/core';
import { createPjrtBackend, type PjrtBackend } from '../../backend/pjrt-backend';
import { describeWithPlugin } from '../../../tests/plugin';
import { layerShapes, randomTensor, relL2, runRule, type HostTensor } from '../../../tests/rule-harness';
import { numel } from '../tensor-type';
import { conv1dRule } from './conv1d';
import { denseSequenceRule } from './dense-sequence';
import { embeddingRule, positionEmbeddingRule } from './embedding';
import { geluRule } from './gelu';
import { layerNormalizationRule } from './layer-normalization';
import type { LayerRule } from './layer-rule';
import { globalAveragePooling1dRule, permuteRule, reshapeRule, softmaxAxisRule } from './shape-rules';

const REL_TOL = 1e-4;
const BATCH = 3;
jest.setTimeout(120_000);

type Layer = ModelSpecInput['layers'][number];
/** tfjs forward of the layer: input, then its params. */
type Reference = (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor;

interface Case {
  readonly name: string;
  readonly rule: LayerRule;
  readonly inputShape: readonly number[];
  readonly layer: Layer;
  readonly ref: Reference;
  /** Input values (default uniform [-1, 1)). */
  readonly x?: HostTensor;
  /** False when x carries no gradient (token ids). */
  readonly dx?: boolean;
}

const gelu: LayerRule = (b, x) => geluRule(b, x);
const erfGelu = (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
const layerNorm =
  (eps: number): Reference =>
  (x, gamma, beta) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma!), beta!);
  };
/** Softmax along absolute axis `axis` of a rank-`rank` tensor (tf.softmax takes the last axis only). */
const softmaxAt =
  (axis: number, rank: number): Reference =>
  (x) => {
    const perm = [...Array(rank).keys()].filter((i) => i !== axis).concat(axis);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return tf.transpose(tf.softmax(tf.transpose(x, perm)), inverse);
  };
const conv1d =
  (stride: number, pad: 'same' | 'valid'): Reference =>
  (x, k, bias) => {
    const y = tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, stride, pad);
    return bias ? tf.add(y, bias) : y;
  };
const denseSeq: Reference = (x, w, bias) => {
  const [n, l, f] = x.shape as [number, number, number];
  const y = tf.reshape(tf.matMul(tf.reshape(x, [n * l, f]), w as tf.Tensor2D), [n, l, -1]);
  return bias ? tf.add(y, bias) : y;
};
const ids = (shape: readonly number[], vocab: number): HostTensor => {
  const data = randomTensor(shape, 99, 0, vocab).data.map(Math.floor);
  data[0] = vocab - 1; // the last row, and a repeat so scatter-add sums
  data[1] = data[2]!;
  return { data, shape };
};

const cases: Case[] = [
  { name: 'layerNormalization [B, 7]', rule: layerNormalizationRule, inputShape: [7], layer: { type: 'layerNormalization' }, ref: layerNorm(0.001) },
  {
    name: 'layerNormalization [B, 5, 6] eps 1e-5',
    rule: layerNormalizationRule,
    inputShape: [5, 6],
    layer: { type: 'layerNormalization', epsilon: 1e-5 },
    ref: layerNorm(1e-5),
  },
  {
    name: 'layerNormalization [B, 2, 3, 4]',
    rule: layerNormalizationRule,
    inputShape: [2, 3, 4],
    layer: { type: 'layerNormalization' },
    ref: layerNorm(0.001),
  },
  {
    name: 'gelu [B, 4, 50] over [-5, 5)',
    rule: gelu,
    inputShape: [4, 50],
    layer: { type: 'activation', activation: 'gelu' },
    ref: erfGelu,
    x: randomTensor([BATCH, 4, 50], 5, -5, 5),
  },
  { name: 'softmax axis -1 [B, 5]', rule: softmaxAxisRule, inputShape: [5], layer: { type: 'softmax' }, ref: softmaxAt(1, 2) },
  {
    name: 'softmax axis -1 [B, 6] logits in [-60, 60)',
    rule: softmaxAxisRule,
    inputShape: [6],
    layer: { type: 'softmax' },
    ref: softmaxAt(1, 2),
    x: randomTensor([BATCH, 6], 4, -60, 60),
  },
  { name: 'softmax axis 1 [B, 4, 5]', rule: softmaxAxisRule, inputShape: [4, 5], layer: { type: 'softmax', axis: 1 }, ref: softmaxAt(1, 3) },
  { name: 'softmax axis 2 [B, 2, 3, 4]', rule: softmaxAxisRule, inputShape: [2, 3, 4], layer: { type: 'softmax', axis: 2 }, ref: softmaxAt(2, 4) },
  { name: 'softmax axis -3 [B, 2, 3, 4]', rule: softmaxAxisRule, inputShape: [2, 3, 4], layer: { type: 'softmax', axis: -3 }, ref: softmaxAt(1, 4) },
  {
    name: 'reshape [B, 6, 4] -> [3, 8]',
    rule: reshapeRule,
    inputShape: [6, 4],
    layer: { type: 'reshape', targetShape: [3, 8] },
    ref: (x) => tf.reshape(x, [BATCH, 3, 8]),
  },
  {
    name: 'reshape [B, 24] -> [2, 3, 4]',
    rule: reshapeRule,
    inputShape: [24],
    layer: { type: 'reshape', targetShape: [2, 3, 4] },
    ref: (x) => tf.reshape(x, [BATCH, 2, 3, 4]),
  },
  { name: 'permute [2, 1]', rule: permuteRule, inputShape: [3, 4], layer: { type: 'permute', dims: [2, 1] }, ref: (x) => tf.transpose(x, [0, 2, 1]) },
  {
    name: 'permute [3, 1, 2]',
    rule: permuteRule,
    inputShape: [2, 3, 4],
    layer: { type: 'permute', dims: [3, 1, 2] },
    ref: (x) => tf.transpose(x, [0, 3, 1, 2]),
  },
  {
    name: 'globalAveragePooling1d [B, 5, 6]',
    rule: globalAveragePooling1dRule,
    inputShape: [5, 6],
    layer: { type: 'globalAveragePooling1d' },
    ref: (x) => tf.mean(x, 1),
  },
  ...(
    [
      [3, 2, 'same', true],
      [3, 1, 'valid', false],
      [4, 1, 'same', true],
      [2, 3, 'valid', true],
      [5, 2, 'same', false],
    ] as const
  ).map(([k, s, padding, useBias]): Case => ({
    name: `conv1d k ${k} stride ${s} ${padding}${useBias ? '' : ' no bias'} [B, 9, 3] -> 4`,
    rule: conv1dRule,
    inputShape: [9, 3],
    layer: { type: 'conv1d', filters: 4, kernelSize: k, strides: s, padding, useBias },
    ref: conv1d(s, padding),
  })),
  { name: 'dense on [B, 5, 6] -> 7', rule: denseSequenceRule, inputShape: [5, 6], layer: { type: 'dense', units: 7 }, ref: denseSeq },
  { name: 'dense on [B, 5, 6] -> 7 no bias', rule: denseSequenceRule, inputShape: [5, 6], layer: { type: 'dense', units: 7, useBias: false }, ref: denseSeq },
  {
    name: 'embedding [B, 6] ids < 10 -> 4',
    rule: embeddingRule,
    inputShape: [6],
    layer: { type: 'embedding', inputDim: 10, outputDim: 4 },
    ref: (x, table) => tf.gather(table!, tf.cast(x, 'int32')),
    x: ids([BATCH, 6], 10),
    dx: false,
  },
  { name: 'positionEmbedding [B, 5, 6]', rule: positionEmbeddingRule, inputShape: [5, 6], layer: { type: 'positionEmbedding' }, ref: (x, t) => tf.add(x, t!) },
];

describeWithPlugin('sequence layer rules vs tfjs (XLA CPU plugin)', () => {
  let backend: PjrtBackend;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    backend = createPjrtBackend({ deviceCount: 1 });
  });
  afterAll(() => backend.close());

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ls = layerShapes(c.inputShape, c.layer);
    const x = c.x ?? randomTensor([BATCH, ...c.inputShape], 1);
    const params = ls.params.map((p, i) => randomTensor(p.shape, 10 + i, p.initializer === 'ones' ? 0.5 : -1, p.initializer === 'ones' ? 1.5 : 1));
    const dy = randomTensor([BATCH, ...ls.outputShape], 2);
    const run = await runRule(backend.client(), c.rule, ls, x, params, dy, { needDx: c.dx ?? true });

    const xT = tf.tensor(x.data, [...x.shape]);
    const pTs = params.map((p) => tf.tensor(p.data, [...p.shape]));
    const dyT = tf.tensor(dy.data, [...dy.shape]);
    const yRef = c.ref(xT, ...pTs);
    expect(yRef.shape).toEqual(dy.shape);
    expect(relL2(run.y, yRef.dataSync())).toBeLessThan(REL_TOL);
    const objective = (...ts: tf.Tensor[]): tf.Tensor => tf.sum(tf.mul(c.dx === false ? c.ref(xT, ...ts) : c.ref(ts[0]!, ...ts.slice(1)), dyT));
    const refGrads = tf
      .grads(objective)(c.dx === false ? pTs : [xT, ...pTs])
      .map((g) => g.dataSync());
    const refDx = c.dx === false ? null : refGrads.shift()!;
    if (refDx) {
      expect(run.dx).not.toBeNull();
      expect(relL2(run.dx!, refDx)).toBeLessThan(REL_TOL);
    } else {
      expect(run.dx).toBeNull();
    }
    expect(run.grads).toHaveLength(params.length);
    run.grads.forEach((g, i) => {
      expect(g).toHaveLength(numel(params[i]!.shape));
      expect(relL2(g, refGrads[i]!)).toBeLessThan(REL_TOL);
    });
    tf.dispose([xT, ...pTs, dyT, yRef]);
  });

  it('embedding truncates float ids toward zero and clamps them into [0, inputDim)', async () => {
    const ls = layerShapes([6], { type: 'embedding', inputDim: 10, outputDim: 4 });
    const table = randomTensor([10, 4], 3);
    const x = { data: Float32Array.from([3.7, 0.2, 9, 9.9, -1, 12]), shape: [1, 6] };
    const run = await runRule(backend.client(), embeddingRule, ls, x, [table], randomTensor([1, 6, 4], 2), { needDx: false });
    const rows = [3, 0, 9, 9, 0, 9];
    expect(Array.from(run.y)).toEqual(rows.flatMap((r) => Array.from(table.data.subarray(4 * r, 4 * r + 4))));
  });
});
