/**
 * A model built from core's ModelSpec with plain tfjs ops: one variable per entry of
 * core's weight layout (weightLayoutOf: layer order, kernel before bias; Dense kernel
 * [in, units], Conv2D kernel [kh, kw, inC, filters], NHWC), initialised by
 * glorotUniformInit(layout, seed).
 *
 * Output: when the last layer ends in softmax, forward stops before it and returns
 * logits, so the loss is a stable log-softmax; any other final activation's output is
 * taken as logits too. Dropout uses seeded per-replica mask streams.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, LayerSpec, ModelSpec } from '@syncline/core';
import { glorotUniformInit, inferShapes, pair, weightLayoutOf } from '@syncline/core';
import { applyActivation } from './activation';
import { DropoutMaskStream } from './dropout-masks';
import type { ReplicaModel } from './replica-model';

let modelCounter = 0;

export interface SpecModelOptions {
  readonly seed: number;
  readonly replicaId: number;
}

/** Builds the variables and forward pass for `spec`. */
export function buildSpecModel(spec: ModelSpec, options: SpecModelOptions): ReplicaModel {
  const shapes = inferShapes(spec);
  const layout = weightLayoutOf(spec);
  const initial = glorotUniformInit(layout, options.seed);
  const prefix = `syncline_tfjs_${modelCounter++}`;
  const variables = layout.entries.map((e) =>
    tf.tidy(() => tf.variable(tf.tensor(initial.slice(e.offset, e.offset + e.size), [...e.shape]), true, `${prefix}/${e.name}`)),
  );
  // Parameters per layer, in the order inferShapes lists them (kernel, then bias).
  let next = 0;
  const params = shapes.map((s) => s.params.map(() => variables[next++]!));
  const masks = new Map<number, DropoutMaskStream>();
  spec.layers.forEach((layer, i) => {
    if (layer.type === 'dropout' && layer.rate > 0) {
      masks.set(i, new DropoutMaskStream(layer.rate, options.seed, options.replicaId, i));
    }
  });
  const lastIndex = spec.layers.length - 1;

  const applyLayer = (layer: LayerSpec, i: number, x: tf.Tensor, training: boolean): tf.Tensor => {
    const [kernel, bias] = params[i]!;
    const finalActivation = (a: Activation): Activation => (i === lastIndex && a === 'softmax' ? 'linear' : a);
    switch (layer.type) {
      case 'dense': {
        let y = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D) as tf.Tensor;
        if (bias) y = tf.add(y, bias);
        return applyActivation(y, finalActivation(layer.activation));
      }
      case 'conv2d': {
        let y = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, pair(layer.strides), layer.padding) as tf.Tensor;
        if (bias) y = tf.add(y, bias);
        return applyActivation(y, finalActivation(layer.activation));
      }
      case 'maxPool2d':
        return tf.maxPool(x as tf.Tensor4D, pair(layer.poolSize), pair(layer.strides ?? layer.poolSize), layer.padding);
      case 'averagePool2d':
        return tf.avgPool(x as tf.Tensor4D, pair(layer.poolSize), pair(layer.strides ?? layer.poolSize), layer.padding);
      case 'flatten':
        return tf.reshape(x, [x.shape[0]!, -1]);
      case 'dropout': {
        const stream = masks.get(i);
        if (!training || !stream) return x;
        return tf.mul(x, tf.tensor(stream.next(x.size), x.shape));
      }
      case 'activation':
        return applyActivation(x, finalActivation(layer.activation));
    }
  };

  return {
    layout,
    variables,
    outputKind: 'logits',
    numClasses: shapes[lastIndex]!.outputShape[0]!,
    inputShape: spec.inputShape,
    forward(x, training) {
      let y = x;
      spec.layers.forEach((layer, i) => {
        y = applyLayer(layer, i, y, training);
      });
      return y as tf.Tensor2D;
    },
    dispose() {
      for (const v of variables) v.dispose();
    },
  };
}
