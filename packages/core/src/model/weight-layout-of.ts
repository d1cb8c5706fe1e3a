/**
 * The flat weight layout a spec implies: every layer's trainable parameters in layer
 * order (kernel before bias; gamma before beta), then its non-trainable state in layer
 * order (BatchNormalization moving statistics). Trainable entries are thus the contiguous
 * prefix that gradients and optimizer slots cover. Every backend uses this layout, so
 * weights, gradients and checkpoints are interchangeable between backends. A spec without
 * non-trainable state has the layout it always had.
 */
import type { WeightEntry, WeightLayout } from '../contracts/weight-layout';
import { inferShapes } from './shapes';
import type { ModelSpec } from '../spec/model-spec';

export function weightLayoutOf(spec: ModelSpec): WeightLayout {
  const params = inferShapes(spec).flatMap((l) => l.params);
  const ordered = [...params.filter((p) => p.trainable !== false), ...params.filter((p) => p.trainable === false)];
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const p of ordered) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const entry: WeightEntry = { name: p.name, shape: p.shape, offset, size, trainable: p.trainable !== false };
    entries.push(p.initializer ? { ...entry, initializer: p.initializer } : entry);
    offset += size;
  }
  return { entries, totalSize: offset };
}
