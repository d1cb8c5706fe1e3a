/**
 * The framework-agnostic model description every backend builds from: a JSON object
 * validated with zod. One spec trains on tfjs, ONNX Runtime and PJRT alike.
 *
 * Layout conventions: images are NHWC ([height, width, channels]); Dense kernels are
 * [inputs, units]; Conv2D kernels are [kh, kw, inChannels, filters] (as Keras stores them).
 *
 * Two forms, one schema: a layer without `inputs` reads the previous layer's output (the
 * model input for the first layer), so a plain list is a sequential model; a layer with
 * `inputs` names earlier layers (or "input", the model input), so skip connections and
 * branches (add, concatenate, multiply) are expressible. The last layer is the output.
 */
import { z } from 'zod';
import { lossSpecSchema } from './loss-spec';
import { metricListSchema } from './metric-spec';
import { optimizerControlFields } from './optimizer-controls';

const positiveInt = z.number().int().positive();
const activation = z.enum(['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'gelu']);

/** Name of the model input as a layer's `inputs` entry. */
export const MODEL_INPUT_NAME = 'input';

/** Fields every layer may carry: its name (default `<type>_<n>`) and the layers it reads. */
const graphFields = {
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'a layer name starts with a letter and holds letters, digits, "_", "." or "-"')
    .optional(),
  inputs: z.array(z.string()).min(1).optional(),
};

export const denseLayerSchema = z.strictObject({
  ...graphFields,
  type: z.literal('dense'),
  units: positiveInt,
  activation: activation.default('linear'),
  useBias: z.boolean().default(true),
});
export const conv2dLayerSchema = z.strictObject({
  ...graphFields,
  type: z.literal('conv2d'),
  filters: positiveInt,
  kernelSize: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]),
  strides: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).default(1),
  padding: z.enum(['valid', 'same']).default('valid'),
  activation: activation.default('linear'),
  useBias: z.boolean().default(true),
});
const poolFields = {
  poolSize: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).default(2),
  strides: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).optional(),
  padding: z.enum(['valid', 'same']).default('valid'),
};
export const maxPool2dLayerSchema = z.strictObject({ ...graphFields, type: z.literal('maxPool2d'), ...poolFields });
export const averagePool2dLayerSchema = z.strictObject({ ...graphFields, type: z.literal('averagePool2d'), ...poolFields });
export const flattenLayerSchema = z.strictObject({ ...graphFields, type: z.literal('flatten') });
export const dropoutLayerSchema = z.strictObject({ ...graphFields, type: z.literal('dropout'), rate: z.number().min(0).lt(1) });
export const activationLayerSchema = z.strictObject({ ...graphFields, type: z.literal('activation'), activation });
/** Keras BatchNormalization over the last axis: gamma, beta, then moving mean and variance (non-trainable). */
export const batchNormalizationLayerSchema = z.strictObject({
  ...graphFields,
  type: z.literal('batchNormalization'),
  momentum: z.number().min(0).lt(1).default(0.99),
  epsilon: z.number().positive().default(0.001),
});
/** Keras LayerNormalization over the last axis: gamma, beta. */
export const layerNormalizationLayerSchema = z.strictObject({
  ...graphFields,
  type: z.literal('layerNormalization'),
  epsilon: z.number().positive().default(0.001),
});
export const globalAveragePooling2dLayerSchema = z.strictObject({ ...graphFields, type: z.literal('globalAveragePooling2d') });
/** Per-example target shape (no batch dimension); the element count must not change. */
export const reshapeLayerSchema = z.strictObject({ ...graphFields, type: z.literal('reshape'), targetShape: z.array(positiveInt).min(1).max(3) });
/**
 * Multi-head scaled dot-product attention over sequences [length, features] (Keras
 * MultiHeadAttention): inputs [query] (self-attention) or [query, value] (keys are the
 * value). Kernels: query/key/value [features, numHeads * keyDim], output
 * [numHeads * keyDim, features of the query], each with a bias when useBias.
 * `paddingMask` names a layer (or "input") holding the value sequence's [length] token ids:
 * keys whose id is 0 are padding and get no attention (Keras' Embedding(mask_zero=True)
 * mask, applied as Keras does: -1e9 added to their scores before the softmax).
 */
export const multiHeadAttentionLayerSchema = z.strictObject({
  ...graphFields,
  type: z.literal('multiHeadAttention'),
  numHeads: positiveInt,
  keyDim: positiveInt,
  useBias: z.boolean().default(true),
  paddingMask: z.string().optional(),
});
/** A learned [length, features] table added to a sequence (keras-hub PositionEmbedding; Glorot-uniform init). */
export const positionEmbeddingLayerSchema = z.strictObject({ ...graphFields, type: z.literal('positionEmbedding') });
/**
 * Keras Embedding: each input value is a token id in [0, inputDim) and becomes that row of
 * an [inputDim, outputDim] table: [length] -> [length, outputDim] (ids travel as floats).
 */
export const embeddingLayerSchema = z.strictObject({ ...graphFields, type: z.literal('embedding'), inputDim: positiveInt, outputDim: positiveInt });
/** Mean over the sequence axis: [length, features] -> [features]. */
export const globalAveragePooling1dLayerSchema = z.strictObject({ ...graphFields, type: z.literal('globalAveragePooling1d') });
/** Keras Conv1D over [length, channels]: kernel [kernelSize, inChannels, filters]. */
export const conv1dLayerSchema = z.strictObject({
  ...graphFields,
  type: z.literal('conv1d'),
  filters: positiveInt,
  kernelSize: positiveInt,
  strides: positiveInt.default(1),
  padding: z.enum(['valid', 'same']).default('valid'),
  activation: activation.default('linear'),
  useBias: z.boolean().default(true),
});
/** Reorders the per-example axes; `dims` is a permutation of 1..rank (Keras Permute). */
export const permuteLayerSchema = z.strictObject({ ...graphFields, type: z.literal('permute'), dims: z.array(positiveInt).min(2).max(3) });
/** Softmax along one axis (Keras numbering: -1 the last, 1 the first after the batch). */
export const softmaxLayerSchema = z.strictObject({ ...graphFields, type: z.literal('softmax'), axis: z.number().int().default(-1) });
/** Element-wise merges of two or more inputs of one shape. */
export const addLayerSchema = z.strictObject({ ...graphFields, type: z.literal('add') });
export const multiplyLayerSchema = z.strictObject({ ...graphFields, type: z.literal('multiply') });
/** Joins inputs along `axis` (Keras numbering: -1 the last axis, 1 the first axis after the batch). */
export const concatenateLayerSchema = z.strictObject({ ...graphFields, type: z.literal('concatenate'), axis: z.number().int().default(-1) });

export const layerSpecSchema = z.discriminatedUnion('type', [
  denseLayerSchema,
  conv2dLayerSchema,
  maxPool2dLayerSchema,
  averagePool2dLayerSchema,
  flattenLayerSchema,
  dropoutLayerSchema,
  activationLayerSchema,
  batchNormalizationLayerSchema,
  layerNormalizationLayerSchema,
  globalAveragePooling2dLayerSchema,
  reshapeLayerSchema,
  addLayerSchema,
  multiplyLayerSchema,
  concatenateLayerSchema,
  multiHeadAttentionLayerSchema,
  positionEmbeddingLayerSchema,
  embeddingLayerSchema,
  globalAveragePooling1dLayerSchema,
  conv1dLayerSchema,
  permuteLayerSchema,
  softmaxLayerSchema,
]);

export const optimizerSpecSchema = z.discriminatedUnion('name', [
  z.strictObject({
    ...optimizerControlFields,
    name: z.literal('adam'),
    learningRate: z.number().positive().default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  }),
  z.strictObject({ ...optimizerControlFields, name: z.literal('sgd'), learningRate: z.number().positive().default(0.01) }),
  z.strictObject({
    ...optimizerControlFields,
    name: z.literal('momentum'),
    learningRate: z.number().positive().default(0.01),
    momentum: z.number().min(0).lt(1).default(0.9),
    nesterov: z.boolean().default(false),
  }),
  z.strictObject({
    ...optimizerControlFields,
    name: z.literal('rmsprop'),
    learningRate: z.number().positive().default(0.001),
    rho: z.number().min(0).lt(1).default(0.9),
    momentum: z.number().min(0).lt(1).default(0),
    epsilon: z.number().positive().default(1e-7),
  }),
  /** Adam with decoupled weight decay (Loshchilov and Hutter; Keras AdamW, whose defaults these are). */
  z.strictObject({
    ...optimizerControlFields,
    name: z.literal('adamw'),
    learningRate: z.number().positive().default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
    weightDecay: z.number().min(0).default(0.004),
  }),
]);

export const modelSpecSchema = z.strictObject({
  /** Optional display name. */
  name: z.string().optional(),
  /** Shape of one input example, without the batch dimension. */
  inputShape: z.array(positiveInt).min(1).max(3),
  layers: z.array(layerSpecSchema).min(1),
  optimizer: optimizerSpecSchema.default({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  loss: lossSpecSchema.default('sparseCategoricalCrossentropy'),
  /** Metrics beside the loss (metric-spec.ts): names or objects such as { name: 'topKAccuracy', k: 3 }. */
  metrics: metricListSchema.default(['accuracy']),
});

export type Activation = z.infer<typeof activation>;
export type DenseLayerSpec = z.infer<typeof denseLayerSchema>;
export type Conv2dLayerSpec = z.infer<typeof conv2dLayerSchema>;
export type MaxPool2dLayerSpec = z.infer<typeof maxPool2dLayerSchema>;
export type AveragePool2dLayerSpec = z.infer<typeof averagePool2dLayerSchema>;
export type FlattenLayerSpec = z.infer<typeof flattenLayerSchema>;
export type DropoutLayerSpec = z.infer<typeof dropoutLayerSchema>;
export type ActivationLayerSpec = z.infer<typeof activationLayerSchema>;
export type BatchNormalizationLayerSpec = z.infer<typeof batchNormalizationLayerSchema>;
export type LayerNormalizationLayerSpec = z.infer<typeof layerNormalizationLayerSchema>;
export type GlobalAveragePooling2dLayerSpec = z.infer<typeof globalAveragePooling2dLayerSchema>;
export type ReshapeLayerSpec = z.infer<typeof reshapeLayerSchema>;
export type MultiHeadAttentionLayerSpec = z.infer<typeof multiHeadAttentionLayerSchema>;
export type MergeLayerSpec = z.infer<typeof addLayerSchema> | z.infer<typeof multiplyLayerSchema> | z.infer<typeof concatenateLayerSchema>;
export type LayerSpec = z.infer<typeof layerSpecSchema>;
export type OptimizerSpec = z.infer<typeof optimizerSpecSchema>;
/** A validated model spec with every default filled in. */
export type ModelSpec = z.infer<typeof modelSpecSchema>;
/** What a user writes: defaults may be omitted. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** Any spec a user may hand over: validated, plain, or a frozen/`as const` literal. */
export type ModelSpecLike = ModelSpec | ModelSpecInput | DeepReadonly<ModelSpecInput>;
