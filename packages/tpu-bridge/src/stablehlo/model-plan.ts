/**
 * What every emitted module needs to know about a model: its layer shapes, the flat
 * weight layout (one StableHLO parameter per layout entry, in order), the optimizer's
 * rule and slots, the example shape and output width, and the resolved loss.
 */
import {
  inferShapes,
  labelKindOf,
  resolveLoss,
  weightLayoutOf,
  type LabelKind,
  type LayerShapes,
  type ModelSpec,
  type ResolvedLoss,
  type WeightLayout,
} from '@syncline/core';
import { optimizerRule } from './optimizers';
import type { OptimizerRule } from './optimizers/optimizer-rule';

export interface ModelPlan {
  readonly spec: ModelSpec;
  readonly shapes: readonly LayerShapes[];
  readonly layout: WeightLayout;
  readonly paramShapes: readonly (readonly number[])[];
  readonly optimizer: OptimizerRule;
  readonly exampleShape: readonly number[];
  /** Width of the output (classes, or 1 for a binary or regression output). */
  readonly classes: number;
  /** The loss against the output: whether a final softmax or sigmoid is fused into it. */
  readonly loss: ResolvedLoss;
  /** The labels' type: i32 class ids or f32 targets. */
  readonly labelKind: LabelKind;
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
    loss: resolveLoss(spec),
    labelKind: labelKindOf(spec),
  };
}
