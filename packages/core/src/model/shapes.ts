/**
 * Shape inference over a model spec: the output shape of every layer and the shapes of
 * its parameters, in the order backends lay them out in the flat weight buffer.
 * Errors name the layer index, its type and the offending shapes.
 */
import { ShapeMismatchError } from '../errors/shape-mismatch-error';
import type { LayerSpec, ModelSpec } from '../spec/model-spec';

export interface ParamShape {
  /** e.g. "conv2d_0/kernel". */
  readonly name: string;
  readonly shape: readonly number[];
}

export interface LayerShapes {
  readonly index: number;
  readonly layer: LayerSpec;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly params: readonly ParamShape[];
}

export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Output length of a windowed op along one axis (TensorFlow's 'same'/'valid' rules). */
export function windowOutput(size: number, window: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

export function inferShapes(spec: ModelSpec): LayerShapes[] {
  const out: LayerShapes[] = [];
  const counters = new Map<string, number>();
  let shape: readonly number[] = spec.inputShape;
  spec.layers.forEach((layer, index) => {
    const n = counters.get(layer.type) ?? 0;
    counters.set(layer.type, n + 1);
    const prefix = `${layer.type.toLowerCase()}_${n}`;
    const fail = (why: string): never => {
      throw new ShapeMismatchError(`layers[${index}] (${layer.type}): ${why}; input shape [${shape.join(', ')}]`);
    };
    let next: readonly number[];
    let params: ParamShape[] = [];
    switch (layer.type) {
      case 'dense': {
        if (shape.length !== 1) fail('dense needs a rank-1 input per example; add a flatten layer before it');
        const inputs = shape[0]!;
        params = [{ name: `${prefix}/kernel`, shape: [inputs, layer.units] }];
        if (layer.useBias) params.push({ name: `${prefix}/bias`, shape: [layer.units] });
        next = [layer.units];
        break;
      }
      case 'conv2d': {
        if (shape.length !== 3) fail('conv2d needs a [height, width, channels] input');
        const [h, w, c] = shape as [number, number, number];
        const [kh, kw] = pair(layer.kernelSize);
        const [sh, sw] = pair(layer.strides);
        const oh = windowOutput(h, kh, sh, layer.padding);
        const ow = windowOutput(w, kw, sw, layer.padding);
        if (oh < 1 || ow < 1) fail(`kernel ${kh}x${kw} with padding "${layer.padding}" leaves no output`);
        params = [{ name: `${prefix}/kernel`, shape: [kh, kw, c, layer.filters] }];
        if (layer.useBias) params.push({ name: `${prefix}/bias`, shape: [layer.filters] });
        next = [oh, ow, layer.filters];
        break;
      }
      case 'maxPool2d':
      case 'averagePool2d': {
        if (shape.length !== 3) fail('pooling needs a [height, width, channels] input');
        const [h, w, c] = shape as [number, number, number];
        const [ph, pw] = pair(layer.poolSize);
        const [sh, sw] = pair(layer.strides ?? layer.poolSize);
        const oh = windowOutput(h, ph, sh, layer.padding);
        const ow = windowOutput(w, pw, sw, layer.padding);
        if (oh < 1 || ow < 1) fail(`pool ${ph}x${pw} leaves no output`);
        next = [oh, ow, c];
        break;
      }
      case 'flatten':
        next = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dropout':
      case 'activation':
        next = shape;
        break;
    }
    out.push({ index, layer, inputShape: shape, outputShape: next, params });
    shape = next;
  });
  const last = out[out.length - 1]!;
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
