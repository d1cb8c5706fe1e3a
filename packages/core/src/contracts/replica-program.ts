/**
 * One replica's model on one backend, for the orchestrated train step: the strategy
 * calls computeGradients on every replica, all-reduces, then applyGradients.
 *
 * Loss convention: `computeGradients` returns the gradient of the SUM of per-example
 * losses over its batch, and `lossSum`; the strategy sums across replicas and divides
 * by the global number of examples, so a partial final batch is exact.
 */
import type { Batch } from './batch';
import type { OptimizerState } from './optimizer-state';
import type { WeightLayout } from './weight-layout';

export interface BatchMetrics {
  /** Sum of per-example losses over the batch. */
  readonly lossSum: number;
  /** Number of examples. */
  readonly count: number;
  /** Number of examples whose argmax prediction equals the label. */
  readonly correct: number;
  /**
   * The spec's other metrics as sums over the batch, laid out by metricLayout(spec.metrics)
   * (model/metric-layout.ts); absent when that layout is empty (accuracy only). Every entry
   * is a sum (a count, a sum of errors, a confusion count), so engines add these vectors
   * element-wise across replicas and workers and the result is the global batch's.
   * A backend may reuse the array until its next call on the replica, as it does `gradients`.
   */
  readonly sums?: Float32Array;
}

export interface GradientResult extends BatchMetrics {
  /**
   * Gradient of the summed loss for every trainable weight, laid out as the
   * trainable entries of `layout` in order (length = trainableSize).
   */
  readonly gradients: Float32Array;
}

export interface ReplicaProgram {
  /** Layout of `getWeights()`; trainable entries also define the gradient layout. */
  readonly layout: WeightLayout;
  /** Number of trainable elements (the gradient length). */
  readonly trainableSize: number;
  computeGradients(batch: Batch): Promise<GradientResult>;
  /** Applies one optimizer update with an already-reduced (mean) gradient. */
  applyGradients(meanGradients: Float32Array): Promise<void>;
  /**
   * Optional (sharded weight updates): one optimizer update of the trainable elements
   * [start, end) only, reading that range of the full-length `meanGradients`. The step
   * count advances as for applyGradients; optimizer slots outside the range are left
   * alone (stale), so the caller must gather them before exporting the state.
   */
  applyGradientsRange?(meanGradients: Float32Array, start: number, end: number): Promise<void>;
  /**
   * Optional, with applyGradientsRange: the live trainable weights (length trainableSize),
   * a view the caller may write in place; the next step reads what it holds.
   */
  trainableWeights?(): Float32Array;
  evaluate(batch: Batch): Promise<BatchMetrics>;
  /** Class probabilities, `batch.size * numClasses` values. */
  predict(batch: Batch): Promise<Float32Array>;
  /** All weights (trainable and not), flat, per `layout`. */
  getWeights(): Promise<Float32Array>;
  setWeights(flat: Float32Array): Promise<void>;
  exportOptimizerState(): Promise<OptimizerState>;
  importOptimizerState(state: OptimizerState): Promise<void>;
  dispose(): Promise<void>;
}
