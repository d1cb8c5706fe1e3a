/**
 * The shape of one layer's rule: a forward pass that returns its output and a backward
 * closure (the VJP) over what the forward computed. Batch is the leading dimension of
 * every activation. `params` are all of the layer's entries in its LayerShapes order
 * (trainable and not); a backward returns one gradient per TRAINABLE entry, in that order.
 * Layers with state they update themselves (BatchNormalization's moving statistics) return
 * the new values of their non-trainable entries as `updates` (training only).
 */
import type { LayerShapes } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';

export interface RuleContext {
  /** True in the train step (batch statistics, dropout on); false in evaluate/predict. */
  readonly training: boolean;
  /**
   * Training only: an i32 scalar that differs every step and every replica (mixed from the
   * update count and the replica id), for rules that draw random bits (dropout). Null when
   * not training.
   */
  readonly rngKey: Value | null;
}

export interface Backward {
  /**
   * Given the cotangent of the layer's output, returns the cotangent of its input
   * (null when `needDx` is false: the layer reads the model input) and one gradient per
   * trainable parameter.
   */
  (dy: Value, needDx: boolean): { dx: Value | null; grads: Value[] };
}

export interface LayerForward {
  readonly y: Value;
  readonly backward: Backward;
  /** New values of the layer's non-trainable entries, in order (training only). */
  readonly updates?: readonly Value[];
}

export type LayerRule = (b: Builder, x: Value, params: readonly Value[], layer: LayerShapes, ctx: RuleContext) => LayerForward;

/** A rule over several inputs (merges, attention with a separate value or padding mask). */
export interface GraphForward {
  readonly y: Value;
  /** One cotangent per input (null for inputs that need none, such as a padding mask), then the trainable gradients. */
  readonly backward: (dy: Value) => { dxs: (Value | null)[]; grads: Value[] };
  readonly updates?: readonly Value[];
}

export type GraphRule = (b: Builder, xs: readonly Value[], params: readonly Value[], layer: LayerShapes, ctx: RuleContext) => GraphForward;
