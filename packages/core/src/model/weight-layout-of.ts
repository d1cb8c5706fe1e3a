/**
 * The flat weight layout a spec implies: every layer's parameters in layer order,
 * kernel before bias. Every backend uses this layout, so weights, gradients and
 * checkpoints are interchangeable between backends.
 */
import type { WeightEntry, WeightLayout } from '../contracts/weight-layout';
import { inferShapes } from './shapes';
import type { ModelSpec } from '../spec/model-spec';

export function weightLayoutOf(spec: ModelSpec): WeightLayout {
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const layer of inferShapes(spec)) {
    for (const p of layer.params) {
      const size = p.shape.reduce((a, b) => a * b, 1);
      entries.push({ name: p.name, shape: p.shape, offset, size, trainable: true });
      offset += size;
    }
  }
  return { entries, totalSize: offset };
}
