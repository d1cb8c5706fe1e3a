/** Builds the flat optimizer a spec's `optimizer` field names. */
import type { OptimizerSpec } from '@syncline/core';
import { FlatAdam } from './adam';
import type { FlatOptimizer } from './flat-optimizer';
import { FlatMomentum } from './momentum';
import { FlatRmsprop } from './rmsprop';
import { FlatSgd } from './sgd';

/** @param size number of trainable weights (slot length) */
export function createFlatOptimizer(spec: OptimizerSpec, size: number): FlatOptimizer {
  switch (spec.name) {
    case 'adam':
      return new FlatAdam(spec, size);
    case 'sgd':
      return new FlatSgd(spec);
    case 'momentum':
      return new FlatMomentum(spec, size);
    case 'rmsprop':
      return new FlatRmsprop(spec, size);
  }
}
