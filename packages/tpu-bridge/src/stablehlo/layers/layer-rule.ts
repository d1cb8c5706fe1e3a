/**
 * The shape of one layer's rule: a forward pass that returns its output and a backward
 * closure (the VJP) over what the forward computed. Batch is the leading dimension of
 * every activation; parameters come in the layout's order (kernel, then bias).
 */
import type { LayerShapes } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';

export interface Backward {
  /**
   * Given the cotangent of the layer's output, returns the cotangent of its input
   * (null when `needDx` is false: the first layer) and one gradient per parameter.
   */
  (dy: Value, needDx: boolean): { dx: Value | null; grads: Value[] };
}

export interface LayerForward {
  readonly y: Value;
  readonly backward: Backward;
}

export type LayerRule = (b: Builder, x: Value, params: readonly Value[], layer: LayerShapes) => LayerForward;
