/**
 * Everything a replica needs besides its runtime state: the two graphs, the weight
 * layout (trainable entries first and contiguous, so gradients and optimizer slots are
 * the prefix [0, trainableSize) of the flat weights), input shape, classes and initial weights.
 */
import type { LabelBounds, OptimizerSpec, WeightLayout } from '@syncline/core';
import type { ModelProto } from '../proto/onnx-proto';

export interface ReplicaGraphs {
  readonly train: ModelProto;
  readonly eval: ModelProto;
  /** Inference graph (x and parameters in, `probs` out), for export. */
  readonly predict: ModelProto;
  readonly layout: WeightLayout;
  readonly trainableSize: number;
  /** Shape of one example as the graph's `x` input takes it. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly optimizer: OptimizerSpec;
  readonly initialWeights: Float32Array;
  /** Non-trainable entries the train graph recomputes each step (BatchNorm running statistics). */
  readonly stateUpdates?: readonly { entry: string; output: string }[];
  /** Labels the loss accepts (kind and range); default int32 class ids in [0, numClasses). */
  readonly labels?: LabelBounds;
  /** Dropout mask inputs: name, per-example size, drop rate. */
  readonly masks: readonly { name: string; perExample: number; rate: number }[];
  /** Length of the train and eval graphs' `metric_sums` output (metric-head.ts); absent or 0: none. */
  readonly metricSize?: number;
  /** Train graph outputs of each trainable entry's gradient, in layout order; absent: only the concatenated `gradients`. */
  readonly gradientOutputs?: readonly string[];
}
