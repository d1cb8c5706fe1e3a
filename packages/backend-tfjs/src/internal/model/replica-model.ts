/**
 * What a replica needs from a model, whichever way it was built (from core's spec, or
 * a user's tfjs LayersModel): its variables in layout order, its loss and a forward pass.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ResolvedLoss, WeightLayout } from '@syncline/core';

/** Whether a factory model's output is class scores to soft-max (logits) or probabilities. */
export type OutputKind = 'logits' | 'probabilities';

export interface ReplicaModel {
  readonly layout: WeightLayout;
  /** One variable per layout entry, in layout order. */
  readonly variables: readonly tf.Variable[];
  /** The loss and how it reads `forward`'s output (core's resolveLoss). */
  readonly loss: ResolvedLoss;
  /** Width of the output (classes, or units of a regression). */
  readonly numClasses: number;
  /** Shape of one example, without the batch dimension. */
  readonly inputShape: readonly number[];
  /** [batch, width]; `training` turns dropout and batch statistics on. Call inside tf.tidy. */
  forward(x: tf.Tensor, training: boolean): tf.Tensor2D;
  dispose(): void;
}
