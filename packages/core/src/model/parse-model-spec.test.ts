import { parseModelSpec } from './parse-model-spec';
import { presetModelSpec } from './presets';
import { inferShapes, numClasses } from './shapes';
import { weightLayoutOf } from './weight-layout-of';

describe('model spec', () => {
  it('mlp preset is the source document model', () => {
    const spec = presetModelSpec('mlp');
    expect(spec.inputShape).toEqual([784]);
    expect(spec.layers).toEqual([
      { type: 'dense', units: 128, activation: 'relu', useBias: true },
      { type: 'dense', units: 10, activation: 'softmax', useBias: true },
    ]);
    expect(spec.optimizer).toEqual({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    const layout = weightLayoutOf(spec);
    expect(layout.totalSize).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(layout.entries.map((e) => e.name)).toEqual(['dense_0/kernel', 'dense_0/bias', 'dense_1/kernel', 'dense_1/bias']);
  });

  it('cnn preset infers shapes through conv and pooling', () => {
    const shapes = inferShapes(presetModelSpec('cnn')).map((s) => s.outputShape);
    expect(shapes).toEqual([[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [1600], [128], [10]]);
    expect(numClasses(presetModelSpec('cnn'))).toBe(10);
  });

  it('same padding and strides follow TensorFlow', () => {
    const spec = parseModelSpec({
      inputShape: [7, 7, 2],
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same' },
        { type: 'averagePool2d', poolSize: 2, padding: 'same' },
        { type: 'flatten' },
        { type: 'dense', units: 3 },
      ],
    });
    expect(inferShapes(spec).map((s) => s.outputShape)).toEqual([[4, 4, 4], [2, 2, 4], [16], [3]]);
  });

  it('names the field path and the bad value', () => {
    expect(() => parseModelSpec({ inputShape: [784], layers: [{ type: 'dense', units: -3 }] })).toThrow(/layers\.0\.units is -3; expected/);
    expect(() => parseModelSpec({ inputShape: [784], layers: [{ type: 'dense', units: 3, bogus: 1 }] })).toThrow(/layers\.0/);
    expect(() => parseModelSpec('{not json')).toThrow(/expected valid JSON/);
  });

  it('names the layer and shapes on a shape error', () => {
    expect(() => parseModelSpec({ inputShape: [28, 28, 1], layers: [{ type: 'dense', units: 10 }] })).toThrow(
      'layers[0] (dense): dense needs a rank-1 input per example; add a flatten layer before it; input shape [28, 28, 1]',
    );
    expect(() =>
      parseModelSpec({ inputShape: [4, 4, 1], layers: [{ type: 'conv2d', filters: 1, kernelSize: 5 }, { type: 'flatten' }, { type: 'dense', units: 2 }] }),
    ).toThrow(/layers\[0\] \(conv2d\): kernel 5x5/);
    expect(() => parseModelSpec({ inputShape: [4, 4, 1], layers: [{ type: 'conv2d', filters: 1, kernelSize: 3 }] })).toThrow(/must be rank 1 per example/);
  });
});
