/**
 * Shape inference over a model spec, sequential or functional: every layer's name, the
 * layers it reads, its input and output shapes and its parameters.
 *
 * 1. Names: a layer's `name`, else `<type>_<n>` (n counts layers of that type); names are
 *    unique and "input" is the model input.
 * 2. Inputs: a layer's `inputs` (earlier names only), else the previous layer (the model
 *    input for layer 0). Every layer but the last must feed a later one.
 * 3. Shapes: each layer's rule (layer-shapes.ts); the last layer is the output and must be
 *    rank 1 per example. Errors name the layer index, its name or type and the shapes.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';
import { ShapeMismatchError } from '../errors/shape-mismatch-error';
import { MODEL_INPUT_NAME, type LayerSpec, type ModelSpec } from '../spec/model-spec';
import { layerOutput, type ParamShape } from './layer-shapes';

export { pair, windowOutput } from './layer-shapes';
export type { ParamShape } from './layer-shapes';

export interface LayerShapes {
  readonly index: number;
  readonly layer: LayerSpec;
  /** The layer's name: its `name`, or `<type>_<n>` (also the prefix of its parameter names). */
  readonly name: string;
  /** Names of what the layer reads, in order ("input" is the model input). */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly (readonly number[])[];
  /** Shape of the first input (the only one but for merge layers). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly params: readonly ParamShape[];
}

/** The default name of the n-th layer of a type, as parameter names have always used it. */
function defaultName(layer: LayerSpec, n: number): string {
  return `${layer.type.toLowerCase()}_${n}`;
}

function layerLabel(index: number, layer: LayerSpec): string {
  return `layers[${index}]${layer.name ? ` "${layer.name}"` : ''} (${layer.type})`;
}

export function inferShapes(spec: ModelSpec): LayerShapes[] {
  const out: LayerShapes[] = [];
  const counters = new Map<string, number>();
  const byName = new Map<string, readonly number[]>([[MODEL_INPUT_NAME, spec.inputShape]]);
  const consumed = new Set<string>();
  spec.layers.forEach((layer, index) => {
    const n = counters.get(layer.type) ?? 0;
    counters.set(layer.type, n + 1);
    const name = layer.name ?? defaultName(layer, n);
    if (byName.has(name)) {
      throw new InvalidConfigError(`layers.${index}.name`, name, `a name no other layer (nor the model input) has; "${name}" is taken`);
    }
    const declared = layer.inputs ?? [index === 0 ? MODEL_INPUT_NAME : out[index - 1]!.name];
    // an attention padding mask is read like one more input (the last), so backends get its values
    const inputs = layer.type === 'multiHeadAttention' && layer.paddingMask !== undefined ? [...declared, layer.paddingMask] : declared;
    const inputShapes = inputs.map((ref, k) => {
      const shape = byName.get(ref);
      if (!shape) {
        const earlier = [MODEL_INPUT_NAME, ...out.map((l) => l.name)].join(', ');
        const field = k < declared.length ? `layers.${index}.inputs.${k}` : `layers.${index}.paddingMask`;
        throw new InvalidConfigError(field, ref, `the name of an earlier layer or "${MODEL_INPUT_NAME}" (earlier: ${earlier})`);
      }
      consumed.add(ref);
      return shape;
    });
    const fail = (why: string): never => {
      const shapes = inputShapes.map((s) => `[${s.join(', ')}]`).join(', ');
      throw new ShapeMismatchError(`${layerLabel(index, layer)}: ${why}; input shape${inputShapes.length > 1 ? 's' : ''} ${shapes}`);
    };
    const { outputShape, params } = layerOutput(layer, inputShapes, name, fail);
    byName.set(name, outputShape);
    out.push({ index, layer, name, inputs, inputShapes, inputShape: inputShapes[0]!, outputShape, params });
  });
  const last = out[out.length - 1]!;
  for (const l of out.slice(0, -1)) {
    if (!consumed.has(l.name)) {
      throw new ShapeMismatchError(
        `${layerLabel(l.index, l.layer)}${l.layer.name ? '' : ` "${l.name}"`} feeds no later layer; the last layer is the model's output, so name it in a later layer's inputs or remove it`,
      );
    }
  }
  if (last.outputShape.length !== 1) {
    throw new ShapeMismatchError(
      `the model's output must be rank 1 per example (class scores), got [${last.outputShape.join(', ')}] ` +
        `from layers[${last.index}] (${last.layer.type}); end with flatten + dense`,
    );
  }
  return out;
}

/** Number of classes the model predicts (its last layer's width). */
export function numClasses(spec: ModelSpec): number {
  const shapes = inferShapes(spec);
  return shapes[shapes.length - 1]!.outputShape[0]!;
}
