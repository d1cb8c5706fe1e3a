// The emitter's text, checked without a plugin: exact float literals, the module's
// signature, one all_reduce per gradient, the runtime-bounded while, and clear refusals.
import { parseModelSpec, presetModelSpec, UnsupportedOperationError } from '@syncline/core';
import { emitEval } from './eval-module';
import { planModel } from './model-plan';
import { f32Hex, i64Matrix } from './tensor-type';
import { emitTrainStep } from './train-step-module';

describe('StableHLO text', () => {
  it('writes f32 constants as exact bit patterns and i64 matrices with their type', () => {
    expect(f32Hex(1)).toBe('0x3F800000');
    expect(f32Hex(-Infinity)).toBe('0xFF800000');
    expect(f32Hex(1e-7)).toBe('0x33D6BF95');
    expect(i64Matrix([[0, 1]])).toBe('dense<[[0, 1]]> : tensor<1x2xi64>');
  });

  it('emits the MLP train step: 4 weights + 8 adam slots + t + xs + ys + bound in, metrics [k, 2] out', () => {
    const plan = planModel(presetModelSpec('mlp'));
    const m = emitTrainStep(plan, { numReplicas: 2, perReplicaBatch: 32, steps: 8 });
    expect(m.inputs).toHaveLength(4 + 8 + 1 + 3);
    expect(m.inputs[m.inputs.length - 3]).toEqual({ shape: [8, 32, 784], dtype: 'f32' });
    expect(m.outputs).toHaveLength(4 + 8 + 1 + 1);
    expect(m.outputs[m.outputs.length - 1]).toEqual({ shape: [8, 2], dtype: 'f32' });
    expect(m.text).toContain('mhlo.num_replicas = 2 : i32');
    expect(m.text.match(/"stablehlo.while"/g)).toHaveLength(1);
    // One all_reduce per gradient inside the loop, one for the metrics after it.
    expect(m.text.match(/"stablehlo.all_reduce"/g)).toHaveLength(4 + 1);
    expect(m.text).toContain('replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>');
  });

  it('emits no collective for one replica, and a forward-only eval module', () => {
    const plan = planModel(presetModelSpec('cnn'));
    expect(emitTrainStep(plan, { numReplicas: 1, perReplicaBatch: 4, steps: 1 }).text).not.toContain('all_reduce');
    const ev = emitEval(plan, 5);
    expect(ev.outputs).toEqual([
      { shape: [5, 10], dtype: 'f32' },
      { shape: [2], dtype: 'f32' },
    ]);
    expect(ev.text).not.toContain('select_and_scatter');
  });

  it('reads a linear output as logits (as the other backends do) and refuses a metric it does not compute, naming it', () => {
    const linear = parseModelSpec({ inputShape: [4], layers: [{ type: 'dense', units: 3 }] }, 'test');
    expect(emitTrainStep(planModel(linear), { numReplicas: 1, perReplicaBatch: 2, steps: 1 }).inputs.at(-2)).toEqual({ shape: [1, 2], dtype: 'i32' });
    const mse = parseModelSpec({ inputShape: [4], layers: [{ type: 'dense', units: 1 }], loss: 'meanSquaredError' }, 'test');
    expect(emitTrainStep(planModel(mse), { numReplicas: 1, perReplicaBatch: 2, steps: 1 }).inputs.at(-2)).toEqual({ shape: [1, 2], dtype: 'f32' });
    const topK = parseModelSpec({ inputShape: [4], layers: [{ type: 'dense', units: 3 }], metrics: ['accuracy', 'topKAccuracy'] }, 'test');
    expect(() => emitTrainStep(planModel(topK), { numReplicas: 1, perReplicaBatch: 2, steps: 1 })).toThrow(UnsupportedOperationError);
  });

  it('builds dropout in the train step (masks keyed by update, replica and seed) and the identity in eval', () => {
    const dropout = parseModelSpec(
      {
        inputShape: [4],
        layers: [
          { type: 'dropout', rate: 0.5 },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
      },
      'test',
    );
    const train = (seed: number): string => emitTrainStep(planModel(dropout), { numReplicas: 2, perReplicaBatch: 2, steps: 1, seed }).text;
    expect(train(1)).toContain('stablehlo.replica_id');
    expect(train(1)).toContain('shift_right_logical');
    expect(train(1)).not.toEqual(train(2));
    expect(emitEval(planModel(dropout), 3).text).not.toContain('shift_right_logical');
  });
});
