/** Builds the flat optimizer a spec names, with the spec's (already defaulted) settings. */
import type { OptimizerSpec } from '../spec/model-spec';
import { FlatAdam } from './adam';
import type { FlatOptimizer } from './flat-optimizer';
import { FlatMomentum } from './momentum';
import { FlatRmsprop } from './rmsprop';
import { FlatSgd } from './sgd';

/** @param size the trainable size (length of weights, gradients and every slot). */
/** The flat optimizer a model spec names, over `size` trainable elements. */
export function createFlatOptimizer(spec: OptimizerSpec, size: number): FlatOptimizer {
  switch (spec.name) {
    case 'adam':
      return new FlatAdam(size, spec);
    case 'sgd':
      return new FlatSgd(size, spec.learningRate);
    case 'momentum':
      return new FlatMomentum(size, spec.learningRate, spec.momentum, spec.nesterov);
    case 'rmsprop':
      return new FlatRmsprop(size, spec);
  }
}
