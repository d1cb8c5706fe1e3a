/**
 * Which rule builds each layer type on pjrt: single-input rules (LayerRule) and rules over
 * several inputs (GraphRule). A type absent here is refused by name before compilation.
 */
import type { LayerSpec } from '@syncline/core';
import { averagePool2dRule } from './average-pool2d';
import { batchNormalizationRule } from './batch-normalization';
import { conv2dRule } from './conv2d';
import { denseRule } from './dense';
import { flattenRule } from './flatten';
import { globalAveragePooling2dRule } from './global-average-pool2d';
import type { GraphRule, LayerRule } from './layer-rule';
import { maxPool2dRule } from './max-pool2d';
import { addRule, concatenateRule, multiplyRule } from './merge';

type LayerType = LayerSpec['type'];

/** The identity (an activation layer's own op is its activation, applied after). */
const identityRule: LayerRule = (_b, x) => ({ y: x, backward: (dy) => ({ dx: dy, grads: [] }) });

export const SINGLE_RULES: Partial<Record<LayerType, LayerRule>> = {
  dense: denseRule,
  conv2d: conv2dRule,
  maxPool2d: maxPool2dRule,
  averagePool2d: averagePool2dRule,
  flatten: flattenRule,
  activation: identityRule,
  dropout: identityRule, // rate 0 only until the dropout rule lands (pjrt-support refuses a rate > 0)
  batchNormalization: batchNormalizationRule,
  globalAveragePooling2d: globalAveragePooling2dRule,
};

export const GRAPH_RULES: Partial<Record<LayerType, GraphRule>> = {
  add: addRule,
  multiply: multiplyRule,
  concatenate: concatenateRule,
};
