/** Picks the update rule for a spec's optimizer (schedules and clipping: lr-schedule.ts). */
import type { OptimizerSpec } from '@syncline/core';
import { adamRule } from './adam';
import { momentumRule } from './momentum';
import type { OptimizerRule } from './optimizer-rule';
import { rmspropRule } from './rmsprop';
import { sgdRule } from './sgd';

export function optimizerRule(spec: OptimizerSpec): OptimizerRule {
  switch (spec.name) {
    case 'adam':
    case 'adamw':
      return adamRule(spec);
    case 'sgd':
      return sgdRule(spec);
    case 'momentum':
      return momentumRule(spec);
    case 'rmsprop':
      return rmspropRule(spec);
  }
}
