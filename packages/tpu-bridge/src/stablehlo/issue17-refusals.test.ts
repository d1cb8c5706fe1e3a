// What pjrt does not build yet of issue 17's model spec is refused by name before any
// compilation, never trained as something else: metrics beyond accuracy. Functional specs,
// every layer type and loss, adamw, schedules and clipping emit.
import { parseModelSpec, UnsupportedOperationError, type ModelSpecInput } from '@syncline/core';
import { planModel } from './model-plan';
import { emitTrainStep } from './train-step-module';

const base = (extra: Partial<ModelSpecInput>): ModelSpecInput => ({
  inputShape: [8],
  layers: [
    { type: 'dense', units: 4, activation: 'relu' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
  ...extra,
});

const emit = (input: ModelSpecInput) => () => emitTrainStep(planModel(parseModelSpec(input)), { numReplicas: 1, perReplicaBatch: 4, steps: 1 });

describe('pjrt refusals of issue 17 features', () => {
  it.each<[string, ModelSpecInput, RegExp]>([
    ['the topKAccuracy metric', base({ metrics: ['accuracy', { name: 'topKAccuracy', k: 2 }] }), /the metric "topKAccuracy"/],
    ['the meanSquaredError metric', base({ metrics: ['meanSquaredError'] }), /the metric "meanSquaredError"/],
    ['the meanAbsoluteError metric', base({ metrics: ['meanAbsoluteError'] }), /the metric "meanAbsoluteError"/],
    ['the auc metric', base({ layers: [{ type: 'dense', units: 1, activation: 'softmax' }], metrics: ['auc'] }), /the metric "auc"/],
  ])('%s', (_what, input, why) => {
    const run = emit(input);
    expect(run).toThrow(UnsupportedOperationError);
    expect(run).toThrow(why);
  });
});

describe('pjrt builds issue 17 training controls and functional specs', () => {
  it.each<[string, ModelSpecInput]>([
    [
      'a residual add with batch normalization and global average pooling',
      {
        inputShape: [6, 6, 2],
        layers: [
          { type: 'conv2d', name: 'c', filters: 3, kernelSize: 3, padding: 'same', useBias: false },
          { type: 'batchNormalization', name: 'bn' },
          { type: 'conv2d', name: 'side', filters: 3, kernelSize: 1, inputs: ['input'] },
          { type: 'add', inputs: ['bn', 'side'] },
          { type: 'globalAveragePooling2d' },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
      },
    ],
    ['adamw', base({ optimizer: { name: 'adamw' } })],
    ['a step schedule', base({ optimizer: { name: 'adam', schedule: { type: 'step', stepSize: 10, gamma: 0.5 } } })],
    ['global-norm clipping', base({ optimizer: { name: 'sgd', globalClipNorm: 1 } })],
    ['binary cross-entropy with a fused sigmoid', base({ layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' })],
    ['mean squared error on a linear output', base({ layers: [{ type: 'dense', units: 1 }], loss: 'meanSquaredError' })],
  ])('%s', (_what, input) => {
    expect(emit(input)().text).toContain('stablehlo.while');
  });
});
