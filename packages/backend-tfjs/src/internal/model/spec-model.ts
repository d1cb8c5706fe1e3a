/**
 * A model built from core's ModelSpec (sequential or functional) with plain tfjs ops: one
 * variable per entry of core's weight layout (weightLayoutOf: trainable parameters in layer
 * order, then BatchNormalization moving statistics; Dense kernel [in, units], Conv2D kernel
 * [kh, kw, inC, filters], NHWC), initialised by glorotUniformInit(layout, seed).
 *
 * Forward: layers run in spec order, each reading the outputs its `inputs` name. When the
 * loss fuses the model's final softmax or sigmoid (core's resolveLoss), the last layer
 * stops before it and the loss works on logits. Dropout uses seeded per-replica mask
 * streams; BatchNormalization updates its moving statistics on each training forward.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, ModelSpec } from '@syncline/core';
import { glorotUniformInit, inferShapes, MODEL_INPUT_NAME, resolveLoss, weightLayoutOf } from '@syncline/core';
import { DropoutMaskStream } from './dropout-masks';
import type { ReplicaModel } from './replica-model';
import { applySpecLayer } from './spec-layers';

let modelCounter = 0;

export interface SpecModelOptions {
  readonly seed: number;
  readonly replicaId: number;
}

/** Builds the variables and forward pass for `spec`. */
export function buildSpecModel(spec: ModelSpec, options: SpecModelOptions): ReplicaModel {
  const shapes = inferShapes(spec);
  const layout = weightLayoutOf(spec);
  const loss = resolveLoss(spec);
  const initial = glorotUniformInit(layout, options.seed);
  const prefix = `syncline_tfjs_${modelCounter++}`;
  const variables = layout.entries.map((e) =>
    tf.tidy(() => tf.variable(tf.tensor(initial.slice(e.offset, e.offset + e.size), [...e.shape]), e.trainable, `${prefix}/${e.name}`)),
  );
  const byName = new Map(layout.entries.map((e, i) => [e.name, variables[i]!]));
  const params = shapes.map((s) => s.params.map((p) => byName.get(p.name)!));
  const masks = new Map<number, DropoutMaskStream>();
  spec.layers.forEach((layer, i) => {
    if (layer.type === 'dropout' && layer.rate > 0) {
      masks.set(i, new DropoutMaskStream(layer.rate, options.seed, options.replicaId, i));
    }
  });
  const lastIndex = spec.layers.length - 1;
  const keep = (a: Activation): Activation => a;
  const fuseLast = (a: Activation): Activation => (loss.output === 'fused' && a === loss.link ? 'linear' : a);

  return {
    layout,
    variables,
    loss,
    numClasses: shapes[lastIndex]!.outputShape[0]!,
    inputShape: spec.inputShape,
    forward(x, training) {
      const values = new Map<string, tf.Tensor>([[MODEL_INPUT_NAME, x]]);
      for (const ls of shapes) {
        const inputs = ls.inputs.map((n) => values.get(n)!);
        const ctx = { training, params: params[ls.index]!, activation: ls.index === lastIndex ? fuseLast : keep, dropout: masks.get(ls.index) };
        values.set(ls.name, applySpecLayer(ls, inputs, ctx));
      }
      return values.get(shapes[lastIndex]!.name)! as tf.Tensor2D;
    },
    dispose() {
      for (const v of variables) v.dispose();
    },
  };
}
