/**
 * What every emitted module needs to know about a model: its layer shapes, the flat
 * weight layout (one StableHLO parameter per layout entry, in order), the optimizer's
 * rule and slots, and the example shape and class count.
 */
import { inferShapes, weightLayoutOf, type LayerShapes, type ModelSpec, type WeightLayout } from '@syncline/core';
import { optimizerRule } from './optimizers';
import type { OptimizerRule } from './optimizers/optimizer-rule';

export interface ModelPlan {
  readonly spec: ModelSpec;
  readonly shapes: readonly LayerShapes[];
  readonly layout: WeightLayout;
  readonly paramShapes: readonly (readonly number[])[];
  readonly optimizer: OptimizerRule;
  readonly exampleShape: readonly number[];
  readonly classes: number;
}

export function planModel(spec: ModelSpec): ModelPlan {
  const shapes = inferShapes(spec);
  const layout = weightLayoutOf(spec);
  return {
    spec,
    shapes,
    layout,
    paramShapes: layout.entries.map((e) => e.shape),
    optimizer: optimizerRule(spec.optimizer),
    exampleShape: spec.inputShape,
    classes: shapes[shapes.length - 1]!.outputShape[0]!,
  };
}
