/**
 * Ready-made specs. `mlp` is the source document's model exactly (Dense 128 relu on
 * 784 inputs, Dense 10 softmax, adam, sparse categorical cross-entropy); `cnn` is the
 * small convnet the benchmarks use.
 */
import { parseModelSpec } from './parse-model-spec';
import type { ModelSpec } from '../spec/model-spec';

export const MLP_PRESET = {
  name: 'mlp',
  inputShape: [784],
  layers: [
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'adam' },
  loss: 'sparseCategoricalCrossentropy',
} as const;

export const CNN_PRESET = {
  name: 'cnn',
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'conv2d', filters: 64, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'adam' },
  loss: 'sparseCategoricalCrossentropy',
} as const;

export type PresetName = 'mlp' | 'cnn';

/** A fresh, validated copy of a preset. */
export function presetModelSpec(name: PresetName): ModelSpec {
  return parseModelSpec(structuredClone(name === 'mlp' ? MLP_PRESET : CNN_PRESET), `preset "${name}"`);
}
