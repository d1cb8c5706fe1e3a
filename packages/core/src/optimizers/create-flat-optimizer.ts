/** Builds the flat optimizer a spec names, with the spec's (already defaulted) settings and training controls. */
import type { OptimizerSpec } from '../spec/model-spec';
import { FlatAdam } from './adam';
import { FlatAdamW } from './adamw';
import type { FlatOptimizer, SlotOptimizer } from './flat-optimizer';
import { FlatMomentum } from './momentum';
import { FlatRmsprop } from './rmsprop';
import { FlatSgd } from './sgd';
import { ControlledOptimizer } from './training-controls';

function baseOptimizer(spec: OptimizerSpec, size: number): SlotOptimizer {
  switch (spec.name) {
    case 'adam':
      return new FlatAdam(size, spec);
    case 'adamw':
      return new FlatAdamW(size, spec);
    case 'sgd':
      return new FlatSgd(size, spec.learningRate);
    case 'momentum':
      return new FlatMomentum(size, spec.learningRate, spec.momentum, spec.nesterov);
    case 'rmsprop':
      return new FlatRmsprop(size, spec);
  }
}

/**
 * The flat optimizer a model spec names, over `size` trainable elements (the trainable
 * size: length of weights, gradients and every slot); wrapped in a ControlledOptimizer when
 * the spec sets a learning-rate schedule or global-norm clipping.
 */
export function createFlatOptimizer(spec: OptimizerSpec, size: number): FlatOptimizer {
  const base = baseOptimizer(spec, size);
  return spec.schedule || spec.globalClipNorm !== undefined
    ? new ControlledOptimizer(base, { schedule: spec.schedule, globalClipNorm: spec.globalClipNorm })
    : base;
}
