/**
 * What the pjrt backend builds, checked before any StableHLO is written: a spec it cannot
 * build is refused by name (layer index, type, the remedy), never trained as something else.
 */
import { metricName, UnsupportedOperationError, type LayerShapes, type ModelSpec } from '@syncline/core';
import { GRAPH_RULES, SINGLE_RULES } from './layers/index';

const refuse = (what: string, remedy = 'use the tfjs or onnx backend'): never => {
  throw new UnsupportedOperationError('backend', 'pjrt', what, remedy);
};

export function refuseUnsupported(spec: ModelSpec, shapes: readonly LayerShapes[]): void {
  for (const m of spec.metrics) {
    const name = metricName(m);
    if (name !== 'accuracy') refuse(`the metric "${name}"`, 'use metrics ["accuracy"], or the tfjs or onnx backend');
  }
  for (const ls of shapes) {
    const { layer } = ls;
    const where = `layers[${ls.index}]`;
    if (!SINGLE_RULES[layer.type] && !GRAPH_RULES[layer.type]) refuse(`layer type "${layer.type}" (${where})`);
  }
}
