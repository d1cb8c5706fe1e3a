/** The functional form of the spec: named inputs, merges, new layers, layout order, losses. */
import { initialWeightsForSpec } from './glorot-init';
import { parseModelSpec } from './parse-model-spec';
import { presetModelSpec, CNN_PRESET } from './presets';
import { resolveLoss } from './resolve-loss';
import { inferShapes } from './shapes';
import { weightLayoutOf } from './weight-layout-of';

const RESIDUAL = {
  inputShape: [8, 8, 1],
  layers: [
    { type: 'conv2d', name: 'stem', filters: 4, kernelSize: 3, padding: 'same' },
    { type: 'batchNormalization', name: 'stem_bn' },
    { type: 'activation', name: 'stem_relu', activation: 'relu' },
    { type: 'conv2d', name: 'c1', filters: 4, kernelSize: 3, padding: 'same', useBias: false },
    { type: 'batchNormalization', name: 'bn1' },
    { type: 'add', name: 'skip', inputs: ['bn1', 'stem_relu'] },
    { type: 'activation', activation: 'gelu' },
    { type: 'globalAveragePooling2d' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
};

describe('functional model spec', () => {
  it('infers a residual block: names, inputs and shapes', () => {
    const shapes = inferShapes(parseModelSpec(RESIDUAL));
    expect(shapes.map((s) => s.name)).toEqual(['stem', 'stem_bn', 'stem_relu', 'c1', 'bn1', 'skip', 'activation_1', 'globalaveragepooling2d_0', 'dense_0']);
    expect(shapes[5]!.inputs).toEqual(['bn1', 'stem_relu']);
    expect(shapes[0]!.inputs).toEqual(['input']);
    expect(shapes.map((s) => s.outputShape)).toEqual([[8, 8, 4], [8, 8, 4], [8, 8, 4], [8, 8, 4], [8, 8, 4], [8, 8, 4], [8, 8, 4], [4], [3]]);
  });

  it('lays out trainable parameters first, moving statistics last, with gamma and moving variance at one', () => {
    const spec = parseModelSpec(RESIDUAL);
    const layout = weightLayoutOf(spec);
    expect(layout.entries.map((e) => `${e.name}${e.trainable ? '' : '*'}`)).toEqual([
      'stem/kernel',
      'stem/bias',
      'stem_bn/gamma',
      'stem_bn/beta',
      'c1/kernel',
      'bn1/gamma',
      'bn1/beta',
      'dense_0/kernel',
      'dense_0/bias',
      'stem_bn/moving_mean*',
      'stem_bn/moving_variance*',
      'bn1/moving_mean*',
      'bn1/moving_variance*',
    ]);
    const w = initialWeightsForSpec(spec, 3);
    const at = (name: string) => {
      const e = layout.entries.find((x) => x.name === name)!;
      return Array.from(w.subarray(e.offset, e.offset + e.size));
    };
    expect(at('bn1/gamma')).toEqual([1, 1, 1, 1]);
    expect(at('bn1/beta')).toEqual([0, 0, 0, 0]);
    expect(at('bn1/moving_mean')).toEqual([0, 0, 0, 0]);
    expect(at('bn1/moving_variance')).toEqual([1, 1, 1, 1]);
    expect(at('c1/kernel').some((v) => v !== 0)).toBe(true);
  });

  it('a sequential spec written with explicit inputs is the same model, bit for bit', () => {
    const plain = presetModelSpec('cnn');
    const named = parseModelSpec({
      ...structuredClone(CNN_PRESET),
      layers: CNN_PRESET.layers.map((l, i) => ({ ...l, name: `l${i}`, inputs: [i === 0 ? 'input' : `l${i - 1}`] })),
    });
    const a = weightLayoutOf(plain);
    const b = weightLayoutOf(named);
    expect(b.entries.map((e) => [e.offset, e.size, e.shape])).toEqual(a.entries.map((e) => [e.offset, e.size, e.shape]));
    expect(Array.from(initialWeightsForSpec(named, 11))).toEqual(Array.from(initialWeightsForSpec(plain, 11)));
  });

  it('concatenate joins along the channel axis; reshape and layerNormalization keep counts', () => {
    const spec = parseModelSpec({
      inputShape: [4, 4, 2],
      layers: [
        { type: 'conv2d', name: 'a', filters: 3, kernelSize: 1 },
        { type: 'conv2d', name: 'b', filters: 5, kernelSize: 1, inputs: ['input'] },
        { type: 'concatenate', inputs: ['a', 'b', 'input'] },
        { type: 'reshape', targetShape: [16, 10] },
        { type: 'layerNormalization' },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.1 },
        { type: 'dense', units: 2 },
      ],
    });
    expect(inferShapes(spec).map((s) => s.outputShape)).toEqual([[4, 4, 3], [4, 4, 5], [4, 4, 10], [16, 10], [16, 10], [160], [160], [2]]);
  });

  it('sequence layers: dense on the last axis, position embedding, attention (self and cross), pooling', () => {
    const spec = parseModelSpec({
      inputShape: [28, 28],
      layers: [
        { type: 'dense', name: 'embed', units: 16 },
        { type: 'positionEmbedding', name: 'pos' },
        { type: 'multiHeadAttention', name: 'self', numHeads: 2, keyDim: 4 },
        { type: 'reshape', name: 'kv', inputs: ['input'], targetShape: [14, 56] },
        { type: 'multiHeadAttention', name: 'cross', inputs: ['self', 'kv'], numHeads: 4, keyDim: 2, useBias: false },
        { type: 'globalAveragePooling1d' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
    });
    const shapes = inferShapes(spec);
    expect(shapes.map((s) => s.outputShape)).toEqual([[28, 16], [28, 16], [28, 16], [14, 56], [28, 16], [16], [10]]);
    expect(shapes[1]!.params).toEqual([{ name: 'pos/embeddings', shape: [28, 16] }]);
    expect(shapes[2]!.params.map((p) => `${p.name} ${p.shape.join('x')}`)).toEqual([
      'self/query/kernel 16x8',
      'self/query/bias 8',
      'self/key/kernel 16x8',
      'self/key/bias 8',
      'self/value/kernel 16x8',
      'self/value/bias 8',
      'self/output/kernel 8x16',
      'self/output/bias 16',
    ]);
    expect(shapes[4]!.params.map((p) => p.shape)).toEqual([
      [16, 8],
      [56, 8],
      [56, 8],
      [8, 16],
    ]);
    expect(() =>
      parseModelSpec({
        inputShape: [4, 4, 1],
        layers: [{ type: 'multiHeadAttention', numHeads: 1, keyDim: 2 }, { type: 'flatten' }, { type: 'dense', units: 2 }],
      }),
    ).toThrow(/layers\[0\] \(multiHeadAttention\): multiHeadAttention needs \[length, features\] inputs; input shape \[4, 4, 1\]/);
  });

  it('conv1d (Keras kernel [k, in, filters]), permute and softmax along an axis', () => {
    const spec = parseModelSpec({
      inputShape: [28, 6],
      layers: [
        { type: 'conv1d', filters: 4, kernelSize: 3, padding: 'same' },
        { type: 'conv1d', filters: 5, kernelSize: 5, strides: 2 },
        { type: 'permute', dims: [2, 1] },
        { type: 'softmax', axis: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
    });
    const shapes = inferShapes(spec);
    expect(shapes.map((s) => s.outputShape)).toEqual([[28, 4], [12, 5], [5, 12], [5, 12], [60], [2]]);
    expect(shapes[1]!.params.map((p) => p.shape)).toEqual([[5, 4, 5], [5]]);
    const bad = (layer: object) => () => parseModelSpec({ inputShape: [4, 3], layers: [layer, { type: 'flatten' }, { type: 'dense', units: 2 }] });
    expect(bad({ type: 'permute', dims: [1, 1] })).toThrow(/layers\[0\] \(permute\): dims \[1, 1\] is not a permutation of 1\.\.2/);
    expect(bad({ type: 'softmax', axis: 3 })).toThrow(/axis 3 is outside a rank-2 input/);
    expect(bad({ type: 'conv1d', filters: 1, kernelSize: 5 })).toThrow(/kernel 5 with padding "valid" leaves no output/);
  });

  it('names the layer, the bad reference and the shapes on errors', () => {
    const base = { inputShape: [6] };
    expect(() => parseModelSpec({ ...base, layers: [{ type: 'dense', units: 2, inputs: ['nope'] }] })).toThrow(
      'layers.0.inputs.0 is "nope"; expected the name of an earlier layer or "input" (earlier: input)',
    );
    expect(() =>
      parseModelSpec({
        ...base,
        layers: [
          { type: 'dense', units: 2, name: 'x' },
          { type: 'dense', units: 2, name: 'x' },
        ],
      }),
    ).toThrow(/layers\.1\.name is "x"; expected a name no other layer/);
    expect(() =>
      parseModelSpec({
        ...base,
        layers: [
          { type: 'dense', units: 3, name: 'a' },
          { type: 'add', name: 'sum', inputs: ['a', 'input'] },
          { type: 'dense', units: 2 },
        ],
      }),
    ).toThrow('layers[1] "sum" (add): input 1 has shape [6], input 0 [3]; add needs equal shapes; input shapes [3], [6]');
    expect(() => parseModelSpec({ ...base, layers: [{ type: 'add' }, { type: 'dense', units: 2 }] })).toThrow(
      /layers\[0\] \(add\): add needs two or more inputs, got 1/,
    );
    expect(() =>
      parseModelSpec({
        ...base,
        layers: [
          { type: 'dense', units: 3, name: 'dead' },
          { type: 'dense', units: 2, inputs: ['input'] },
        ],
      }),
    ).toThrow(/layers\[0\] "dead" \(dense\) feeds no later layer/);
    expect(() =>
      parseModelSpec({
        ...base,
        layers: [
          { type: 'reshape', targetShape: [4] },
          { type: 'dense', units: 2 },
        ],
      }),
    ).toThrow(/targetShape \[4\] holds 4 elements, the input 6/);
    expect(() => parseModelSpec({ ...base, layers: [{ type: 'globalAveragePooling2d' }] })).toThrow(/needs a \[height, width, channels\] input/);
  });

  it('resolves losses against the final activation', () => {
    const withLoss = (loss: unknown, activation: string, units = 3) =>
      parseModelSpec({ inputShape: [4], layers: [{ type: 'dense', units, activation }], loss });
    expect(resolveLoss(withLoss('sparseCategoricalCrossentropy', 'softmax'))).toEqual({
      name: 'sparseCategoricalCrossentropy',
      output: 'fused',
      link: 'softmax',
    });
    expect(resolveLoss(withLoss('categoricalCrossentropy', 'linear'))).toEqual({ name: 'categoricalCrossentropy', output: 'logits', link: 'softmax' });
    expect(resolveLoss(withLoss({ name: 'categoricalCrossentropy', fromLogits: false }, 'linear')).output).toBe('probabilities');
    expect(resolveLoss(withLoss('binaryCrossentropy', 'sigmoid', 1))).toEqual({ name: 'binaryCrossentropy', output: 'fused', link: 'sigmoid' });
    expect(resolveLoss(withLoss('meanSquaredError', 'linear', 1))).toEqual({ name: 'meanSquaredError', output: 'values', link: 'none' });
    expect(() => withLoss({ name: 'categoricalCrossentropy', fromLogits: true }, 'softmax')).toThrow(/applies softmax, so its output is not logits/);
    expect(() => withLoss('meanAbsoluteError', 'linear', 3)).toThrow(
      /meanAbsoluteError reads each example's label as one number, so the last layer needs 1 unit/,
    );
    expect(() => withLoss('hinge', 'linear')).toThrow(/^model spec: loss is "hinge"/);
  });
});
