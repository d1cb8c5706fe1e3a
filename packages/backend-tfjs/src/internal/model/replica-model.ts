/**
 * What a replica needs from a model, whichever way it was built (from core's spec, or
 * a user's tfjs LayersModel): its variables in layout order and a forward pass.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WeightLayout } from '@syncline/core';

/** Whether `forward` yields class scores to soft-max (logits) or probabilities. */
export type OutputKind = 'logits' | 'probabilities';

export interface ReplicaModel {
  readonly layout: WeightLayout;
  /** One variable per layout entry, in layout order. */
  readonly variables: readonly tf.Variable[];
  readonly outputKind: OutputKind;
  readonly numClasses: number;
  /** Shape of one example, without the batch dimension. */
  readonly inputShape: readonly number[];
  /** [batch, numClasses]; `training` turns dropout on. Call inside tf.tidy. */
  forward(x: tf.Tensor, training: boolean): tf.Tensor2D;
  dispose(): void;
}
