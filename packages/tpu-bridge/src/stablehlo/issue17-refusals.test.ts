// What pjrt does not build yet of issue 17's model spec is refused by name before any
// compilation, never trained as something else: functional inputs, gelu, the new layers,
// non-categorical losses, dense on sequences, adamw, schedules, clipping and metrics beyond accuracy.
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
    [
      'functional inputs',
      base({
        layers: [
          { type: 'dense', name: 'a', units: 8 },
          { type: 'add', inputs: ['a', 'input'] },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
      }),
      /functional specs/,
    ],
    [
      'gelu',
      base({
        layers: [
          { type: 'dense', units: 4, activation: 'gelu' },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
      }),
      /gelu/,
    ],
    ['layerNormalization', base({ layers: [{ type: 'layerNormalization' }, { type: 'dense', units: 3, activation: 'softmax' }] }), /layerNormalization/],
    ['binaryCrossentropy', base({ layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' }), /binaryCrossentropy/],
    ['adamw', base({ optimizer: { name: 'adamw' } }), /adamw/],
    ['a schedule', base({ optimizer: { name: 'adam', schedule: { type: 'step', stepSize: 10, gamma: 0.5 } } }), /schedules/],
    ['clipping', base({ optimizer: { name: 'sgd', globalClipNorm: 1 } }), /globalClipNorm/],
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
