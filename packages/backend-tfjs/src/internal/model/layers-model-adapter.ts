/**
 * A user's own tfjs LayersModel as a replica model. Its layout is its `weights` in
 * order (names and shapes as tfjs reports them; non-trainable weights such as
 * BatchNormalization moving statistics are marked so). Initialisation is whatever the
 * factory's layers do; the strategy broadcasts replica 0's weights anyway.
 *
 * Output kind: 'auto' reads the last layer's activation; softmax means the model
 * outputs probabilities (loss on clipped probabilities, as Keras does without
 * from_logits), anything else is taken as logits.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ModelSpec, ResolvedLoss, WeightEntry } from '@syncline/core';
import { InvalidConfigError, ShapeMismatchError, resolveLossAgainst } from '@syncline/core';
import type { OutputKind, ReplicaModel } from './replica-model';

/** What a model factory receives: the spec (input shape, optimizer) and the replica's identity. */
export interface ModelFactoryContext {
  readonly spec: ModelSpec;
  readonly seed: number;
  readonly replicaId: number;
}

/**
 * What the adapter reads of a tfjs `LayersModel` (which satisfies it). Spelled out here so
 * this package's public types name only @tensorflow/tfjs-core: tfjs-layers' own
 * declarations do not compile under `strict` without `skipLibCheck`.
 */
export interface FactoryModel {
  readonly inputs: readonly { readonly shape: readonly (number | null)[] }[];
  readonly outputs: readonly { readonly shape: readonly (number | null)[] }[];
  readonly weights: readonly { readonly originalName: string; readonly shape: readonly (number | null)[]; readonly trainable: boolean; read(): Tensor }[];
  readonly layers: readonly { getConfig(): object }[];
  apply(inputs: Tensor, kwargs: { training: boolean }): unknown;
  dispose(): unknown;
}

/** Returns a fresh tfjs LayersModel for one replica (called once per replica, in its thread). */
export type LayersModelFactory = (context: ModelFactoryContext) => FactoryModel | Promise<FactoryModel>;

/** How to read a factory model's output; 'auto' looks at the last layer's activation. */
export type FactoryOutputs = OutputKind | 'auto';

/**
 * The spec's loss read against the model's last activation (loss-spec.ts rules), except
 * that a factory model's final softmax or sigmoid cannot be left out of its forward pass:
 * where a spec model would fuse it, the output is read as probabilities (Keras without
 * from_logits). `outputs` other than 'auto' overrides how a cross-entropy reads it.
 */
function factoryLoss(spec: ModelSpec, activation: string, outputs: FactoryOutputs, units: number): ResolvedLoss {
  const resolved = resolveLossAgainst(spec.loss, activation);
  if (typeof resolved === 'string') throw new InvalidConfigError('loss', spec.loss, `a loss that fits the model: ${resolved}`);
  if (resolved.output === 'values') {
    if (units !== 1) throw new InvalidConfigError('loss', spec.loss, `a loss for a ${units}-unit output: ${resolved.name} needs a 1-unit last layer`);
    return resolved;
  }
  const softmaxFamily = resolved.name === 'sparseCategoricalCrossentropy' || resolved.name === 'categoricalCrossentropy';
  const kind: OutputKind = outputs !== 'auto' ? outputs : resolved.output === 'logits' ? 'logits' : 'probabilities';
  return { name: resolved.name, output: kind, link: kind === 'logits' ? (softmaxFamily ? 'softmax' : 'sigmoid') : 'none' };
}

/** Wraps `model`; throws ShapeMismatchError when its input or output does not fit the spec. */
export function adaptLayersModel(model: FactoryModel, spec: ModelSpec, outputs: FactoryOutputs): ReplicaModel {
  const inShape = model.inputs[0]?.shape.slice(1) ?? [];
  if (model.inputs.length !== 1 || inShape.join(',') !== spec.inputShape.join(',')) {
    throw new ShapeMismatchError(
      `model factory returned a model with input shape [${inShape.join(', ')}] (${model.inputs.length} inputs); ` +
        `the spec's inputShape is [${spec.inputShape.join(', ')}]: build the model with that single input`,
    );
  }
  const outShape = model.outputs[0]?.shape ?? [];
  if (model.outputs.length !== 1 || outShape.length !== 2 || typeof outShape[1] !== 'number') {
    throw new ShapeMismatchError(
      `model factory returned a model with output shape [${outShape.join(', ')}] (${model.outputs.length} outputs); ` +
        'expected one [batch, numClasses] output',
    );
  }
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const w of model.weights) {
    const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    entries.push({ name: w.originalName, shape: w.shape as number[], offset, size, trainable: w.trainable });
    offset += size;
  }
  const variables = model.weights.map((w) => w.read() as tf.Variable);
  const last = model.layers[model.layers.length - 1];
  const activation = (last?.getConfig() as { activation?: unknown } | undefined)?.activation;
  return {
    layout: { entries, totalSize: offset },
    variables,
    loss: factoryLoss(spec, typeof activation === 'string' ? activation : 'linear', outputs, outShape[1]),
    numClasses: outShape[1],
    inputShape: spec.inputShape,
    forward: (x, training) => model.apply(x, { training }) as tf.Tensor2D,
    dispose: () => model.dispose(),
  };
}
