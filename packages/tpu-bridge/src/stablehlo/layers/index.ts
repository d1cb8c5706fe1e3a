/**
 * Which rule builds each layer type on pjrt: single-input rules (LayerRule) and rules over
 * several inputs (GraphRule). A type absent here is refused by name before compilation.
 */
import type { LayerSpec } from '@syncline/core';
import { averagePool2dRule } from './average-pool2d';
import { batchNormalizationRule } from './batch-normalization';
import { conv2dRule } from './conv2d';
import { conv1dRule } from './conv1d';
import { denseRule } from './dense';
import { denseSequenceRule } from './dense-sequence';
import { dropoutRule } from './dropout';
import { embeddingRule, positionEmbeddingRule } from './embedding';
import { flattenRule } from './flatten';
import { globalAveragePooling2dRule } from './global-average-pool2d';
import type { GraphRule, LayerRule } from './layer-rule';
import { layerNormalizationRule } from './layer-normalization';
import { maxPool2dRule } from './max-pool2d';
import { addRule, concatenateRule, multiplyRule } from './merge';
import { multiHeadAttentionRule } from './multi-head-attention';
import { globalAveragePooling1dRule, permuteRule, reshapeRule, softmaxAxisRule } from './shape-rules';

type LayerType = LayerSpec['type'];

/** The identity (an activation layer's own op is its activation, applied after). */
const identityRule: LayerRule = (_b, x) => ({ y: x, backward: (dy) => ({ dx: dy, grads: [] }) });

/** Dense on [B, F] (rank 2) or on sequences [B, L, F] (the kernel applies to the last axis). */
const anyDenseRule: LayerRule = (b, x, params, layer, ctx) => (x.type.shape.length === 2 ? denseRule : denseSequenceRule)(b, x, params, layer, ctx);

export const SINGLE_RULES: Partial<Record<LayerType, LayerRule>> = {
  dense: anyDenseRule,
  conv1d: conv1dRule,
  conv2d: conv2dRule,
  maxPool2d: maxPool2dRule,
  averagePool2d: averagePool2dRule,
  flatten: flattenRule,
  activation: identityRule,
  dropout: dropoutRule,
  batchNormalization: batchNormalizationRule,
  layerNormalization: layerNormalizationRule,
  globalAveragePooling2d: globalAveragePooling2dRule,
  globalAveragePooling1d: globalAveragePooling1dRule,
  reshape: reshapeRule,
  permute: permuteRule,
  softmax: softmaxAxisRule,
  embedding: embeddingRule,
  positionEmbedding: positionEmbeddingRule,
};

export const GRAPH_RULES: Partial<Record<LayerType, GraphRule>> = {
  add: addRule,
  multiply: multiplyRule,
  concatenate: concatenateRule,
  multiHeadAttention: multiHeadAttentionRule,
};
