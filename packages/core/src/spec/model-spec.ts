/**
 * The framework-agnostic model description every backend builds from: a JSON object
 * validated with zod. One spec trains on tfjs, ONNX Runtime and PJRT alike.
 *
 * Layout conventions: images are NHWC ([height, width, channels]); Dense kernels are
 * [inputs, units]; Conv2D kernels are [kh, kw, inChannels, filters] (as Keras stores them).
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const activation = z.enum(['linear', 'relu', 'sigmoid', 'tanh', 'softmax']);

export const denseLayerSchema = z.strictObject({
  type: z.literal('dense'),
  units: positiveInt,
  activation: activation.default('linear'),
  useBias: z.boolean().default(true),
});
export const conv2dLayerSchema = z.strictObject({
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
export const maxPool2dLayerSchema = z.strictObject({ type: z.literal('maxPool2d'), ...poolFields });
export const averagePool2dLayerSchema = z.strictObject({ type: z.literal('averagePool2d'), ...poolFields });
export const flattenLayerSchema = z.strictObject({ type: z.literal('flatten') });
export const dropoutLayerSchema = z.strictObject({ type: z.literal('dropout'), rate: z.number().min(0).lt(1) });
export const activationLayerSchema = z.strictObject({ type: z.literal('activation'), activation });

export const layerSpecSchema = z.discriminatedUnion('type', [
  denseLayerSchema,
  conv2dLayerSchema,
  maxPool2dLayerSchema,
  averagePool2dLayerSchema,
  flattenLayerSchema,
  dropoutLayerSchema,
  activationLayerSchema,
]);

export const optimizerSpecSchema = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.literal('adam'),
    learningRate: z.number().positive().default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  }),
  z.strictObject({ name: z.literal('sgd'), learningRate: z.number().positive().default(0.01) }),
  z.strictObject({
    name: z.literal('momentum'),
    learningRate: z.number().positive().default(0.01),
    momentum: z.number().min(0).lt(1).default(0.9),
    nesterov: z.boolean().default(false),
  }),
  z.strictObject({
    name: z.literal('rmsprop'),
    learningRate: z.number().positive().default(0.001),
    rho: z.number().min(0).lt(1).default(0.9),
    momentum: z.number().min(0).lt(1).default(0),
    epsilon: z.number().positive().default(1e-7),
  }),
]);

export const modelSpecSchema = z.strictObject({
  /** Optional display name. */
  name: z.string().optional(),
  /** Shape of one input example, without the batch dimension. */
  inputShape: z.array(positiveInt).min(1).max(3),
  layers: z.array(layerSpecSchema).min(1),
  optimizer: optimizerSpecSchema.default({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  loss: z.literal('sparseCategoricalCrossentropy').default('sparseCategoricalCrossentropy'),
  metrics: z.array(z.literal('accuracy')).default(['accuracy']),
});

export type Activation = z.infer<typeof activation>;
export type DenseLayerSpec = z.infer<typeof denseLayerSchema>;
export type Conv2dLayerSpec = z.infer<typeof conv2dLayerSchema>;
export type MaxPool2dLayerSpec = z.infer<typeof maxPool2dLayerSchema>;
export type AveragePool2dLayerSpec = z.infer<typeof averagePool2dLayerSchema>;
export type FlattenLayerSpec = z.infer<typeof flattenLayerSchema>;
export type DropoutLayerSpec = z.infer<typeof dropoutLayerSchema>;
export type ActivationLayerSpec = z.infer<typeof activationLayerSchema>;
export type LayerSpec = z.infer<typeof layerSpecSchema>;
export type OptimizerSpec = z.infer<typeof optimizerSpecSchema>;
/** A validated model spec with every default filled in. */
export type ModelSpec = z.infer<typeof modelSpecSchema>;
/** What a user writes: defaults may be omitted. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** Any spec a user may hand over: validated, plain, or a frozen/`as const` literal. */
export type ModelSpecLike = ModelSpec | ModelSpecInput | DeepReadonly<ModelSpecInput>;
