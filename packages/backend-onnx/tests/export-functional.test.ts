/**
 * Export of functional specs (issue 17 keeps inference export): a residual model with
 * batch normalisation (inference mode reads the moving statistics a training step moved)
 * and a transformer block, each trained one step, exported as a self-contained .onnx whose
 * ORT predictions equal replica.predict within 1e-5; a one-unit sigmoid model exports
 * probabilities and a regression its raw outputs.
 */
import * as ort from 'onnxruntime-node';
import { parseModelSpec, type Batch, type ModelSpecInput } from '@syncline/core';
import { createOnnxBackend, exportSpecInference } from '../src/index';
import { seededUniform } from './helpers/grad-check';

const N = 8;

const CASES: [string, ModelSpecInput][] = [
  [
    'residual + batchNormalization',
    {
      inputShape: [8, 8, 1],
      layers: [
        { type: 'conv2d', name: 'stem', filters: 4, kernelSize: 3, padding: 'same', useBias: false },
        { type: 'batchNormalization', name: 'bn0' },
        { type: 'activation', name: 'r0', activation: 'relu' },
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' },
        { type: 'batchNormalization', name: 'bn1' },
        { type: 'add', inputs: ['bn1', 'r0'] },
        { type: 'globalAveragePooling2d' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
    },
  ],
  [
    'transformer block',
    {
      inputShape: [6, 5],
      layers: [
        { type: 'dense', name: 'e', units: 8 },
        { type: 'positionEmbedding', name: 'p' },
        { type: 'multiHeadAttention', numHeads: 2, keyDim: 4 },
        { type: 'add', name: 'r', inputs: ['multiheadattention_0', 'p'] },
        { type: 'layerNormalization' },
        { type: 'globalAveragePooling1d' },
        { type: 'dense', units: 4, activation: 'softmax' },
      ],
    },
  ],
  ['binary, sigmoid output', { inputShape: [5], layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' }],
  [
    'regression',
    {
      inputShape: [5],
      layers: [
        { type: 'dense', units: 4, activation: 'gelu' },
        { type: 'dense', units: 1 },
      ],
      loss: 'meanSquaredError',
    },
  ],
];

describe('export of functional specs', () => {
  it.each(CASES)('%s: the exported model predicts as the replica', async (_what, input) => {
    const spec = parseModelSpec(input);
    const replica = await createOnnxBackend().createReplica(spec, { seed: 3 });
    try {
      const per = spec.inputShape.reduce((a, c) => a * c, 1);
      const b: Batch = { x: seededUniform(N * per, 5, 0, 1), y: Int32Array.from({ length: N }, (_, i) => i % 2), size: N, exampleShape: spec.inputShape };
      const g = await replica.computeGradients(b);
      await replica.applyGradients(g.gradients.map((v) => v / N));
      const session = await ort.InferenceSession.create(await exportSpecInference(spec, await replica.getWeights()));
      try {
        const out = await session.run({ x: new ort.Tensor('float32', b.x, [N, ...spec.inputShape]) });
        const exported = out[session.outputNames[0]!]!.data as Float32Array;
        const expected = await replica.predict(b);
        expect(exported.length).toBe(expected.length);
        expect(Math.max(...exported.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-5);
        if (spec.loss === 'binaryCrossentropy') expect(exported.every((v) => v > 0 && v < 1)).toBe(true);
      } finally {
        await session.release();
      }
    } finally {
      await replica.dispose();
    }
  });
});
