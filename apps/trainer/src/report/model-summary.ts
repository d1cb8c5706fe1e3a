/**
 * A Keras-style model summary from a model spec: each layer with its settings, output
 * shape and parameter count, and the total, from core's shape inference.
 */
import { inferShapes, type LayerShapes, type ModelSpec } from '@syncline/core';

export interface LayerSummary {
  /** e.g. "dense_0". */
  readonly name: string;
  /** e.g. "dense 128, relu" or "conv2d 32 3x3 same, relu". */
  readonly description: string;
  /** Per example, e.g. [null, 128] is written "(batch, 128)". */
  readonly outputShape: readonly number[];
  readonly params: number;
}

export interface ModelSummary {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly layers: readonly LayerSummary[];
  readonly totalParams: number;
  readonly optimizer: string;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const kernel = (k: number | readonly [number, number]): string => (typeof k === 'number' ? `${k}x${k}` : `${k[0]}x${k[1]}`);

function describeLayer(l: LayerShapes['layer']): string {
  switch (l.type) {
    case 'dense':
      return `dense ${l.units}, ${l.activation}`;
    case 'conv2d':
      return `conv2d ${l.filters} ${kernel(l.kernelSize)} ${l.padding}, ${l.activation}`;
    case 'maxPool2d':
    case 'averagePool2d':
      return `${l.type} ${kernel(l.poolSize)} ${l.padding}`;
    case 'dropout':
      return `dropout ${l.rate}`;
    case 'activation':
      return `activation ${l.activation}`;
    default:
      return l.type;
  }
}

/** The summary of `spec`; `fallbackName` names a spec that has no `name`. Throws ShapeMismatchError as inferShapes does. */
export function summarizeModel(spec: ModelSpec, fallbackName: string): ModelSummary {
  const counters = new Map<string, number>();
  const layers = inferShapes(spec).map((s): LayerSummary => {
    const n = counters.get(s.layer.type) ?? 0;
    counters.set(s.layer.type, n + 1);
    return {
      name: `${s.layer.type.toLowerCase()}_${n}`,
      description: describeLayer(s.layer),
      outputShape: s.outputShape,
      params: s.params.reduce((a, p) => a + size(p.shape), 0),
    };
  });
  const { name: optimizer, ...settings } = spec.optimizer;
  return {
    name: spec.name ?? fallbackName,
    inputShape: spec.inputShape,
    layers,
    totalParams: layers.reduce((a, l) => a + l.params, 0),
    optimizer: `${optimizer} (${Object.entries(settings)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')})`,
  };
}

/** "(batch, 28, 28, 1)". */
export function formatShape(shape: readonly number[]): string {
  return `(batch, ${shape.join(', ')})`;
}
