/** Picks the update rule for a spec's optimizer. */
import { UnsupportedOperationError, type OptimizerSpec } from '@syncline/core';
import { adamRule } from './adam';
import { momentumRule } from './momentum';
import type { OptimizerRule } from './optimizer-rule';
import { rmspropRule } from './rmsprop';
import { sgdRule } from './sgd';

export function optimizerRule(spec: OptimizerSpec): OptimizerRule {
  if (spec.schedule || spec.globalClipNorm !== undefined) {
    throw new UnsupportedOperationError(
      'backend',
      'pjrt',
      spec.schedule ? 'learning-rate schedules' : 'globalClipNorm',
      'use the tfjs or onnx backend (issue 17)',
    );
  }
  switch (spec.name) {
    case 'adam':
      return adamRule(spec);
    case 'sgd':
      return sgdRule(spec);
    case 'momentum':
      return momentumRule(spec);
    case 'rmsprop':
      return rmspropRule(spec);
    case 'adamw':
      throw new UnsupportedOperationError('backend', 'pjrt', 'the adamw optimizer', 'use adam, or the tfjs or onnx backend (issue 17)');
  }
}
