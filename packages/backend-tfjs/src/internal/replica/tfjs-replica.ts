/**
 * One replica on tfjs: forward, summed cross-entropy, gradients by tf.variableGrads
 * inside tf.tidy, flattened into one reused Float32Array; updates by core's flat optimizer
 * over a master copy of the trainable weights, then uploaded into the variables (with a
 * sharded update the caller writes the master copy through trainableWeights(), and it is
 * uploaded before each later use instead).
 *
 * Step protocol (computeGradients):
 * 1. Validate the batch; an empty batch returns zero gradients, lossSum 0, count 0.
 * 2. In one tf.tidy: make x and y tensors, run variableGrads over the trainable
 *    variables with the summed loss; keep the correct-count scalar and, when the spec
 *    names metrics beyond accuracy, their sums vector (metric-sums.ts) on the same output.
 * 3. Copy every gradient into `gradients` at its trainable offset; dispose all tensors
 *    (tensor count is the same after every step).
 * The returned `gradients` array is reused: it is valid until the next computeGradients.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch, BatchMetrics, FlatOptimizer, GradientResult, MetricLayout, OptimizerState, ReplicaProgram, WeightLayout } from '@syncline/core';
import { BackendError, labelBounds, labelKindOf, ShapeMismatchError } from '@syncline/core';
import type { ReplicaModel } from '../model/replica-model';
import { lossTerms, probabilities } from './loss';
import { metricSums } from './metric-sums';
import { validateBatch, validateFeatures } from './validate-batch';
import { readInto } from './read-into';

const EMPTY_METRICS: BatchMetrics = { lossSum: 0, count: 0, correct: 0 };

export class TfjsReplica implements ReplicaProgram {
  readonly layout: WeightLayout;
  readonly trainableSize: number;
  readonly #model: ReplicaModel;
  readonly #optimizer: FlatOptimizer;
  /** Indices into layout.entries / model.variables of the trainable entries. */
  readonly #trainable: number[];
  /** Offset of each trainable entry in the gradient (and master) buffer. */
  readonly #gradOffsets: number[];
  readonly #gradients: Float32Array;
  readonly #master: Float32Array;
  readonly #uploadCopies: boolean;
  /** trainableWeights() handed out the master copy: upload it before every use. */
  #masterShared = false;
  #disposed = false;
  readonly #metrics: MetricLayout;
  /** Zero sums of an empty batch (absent for accuracy only). */
  readonly #emptySums: Partial<Pick<BatchMetrics, 'sums'>>;

  /**
   * @param uploadCopies pass copies to tf.tensor (backends such as cpu keep a reference
   *   to the array instead of copying it).
   */
  constructor(
    model: ReplicaModel,
    optimizer: (trainableSize: number) => FlatOptimizer,
    uploadCopies: boolean,
    metrics: MetricLayout = { accuracy: true, slots: [], size: 0 },
  ) {
    this.#model = model;
    this.#metrics = metrics;
    this.#emptySums = metrics.size > 0 ? { sums: new Float32Array(metrics.size) } : {};
    this.layout = model.layout;
    this.#trainable = [];
    this.#gradOffsets = [];
    let size = 0;
    model.layout.entries.forEach((e, i) => {
      if (!e.trainable) return;
      this.#trainable.push(i);
      this.#gradOffsets.push(size);
      size += e.size;
    });
    this.trainableSize = size;
    this.#gradients = new Float32Array(size);
    this.#master = new Float32Array(size);
    this.#optimizer = optimizer(size);
    this.#uploadCopies = uploadCopies;
  }

  /** Reads the variables into the master copy (after construction or setWeights). */
  async syncMaster(): Promise<void> {
    for (let k = 0; k < this.#trainable.length; k++) {
      this.#master.set(await this.#model.variables[this.#trainable[k]!]!.data(), this.#gradOffsets[k]);
    }
  }

  async computeGradients(batch: Batch): Promise<GradientResult> {
    this.#live();
    this.#uploadIfShared();
    validateBatch(batch, this.#model.inputShape, labelBounds(this.#model.loss, this.#model.numClasses));
    if (batch.size === 0) {
      this.#gradients.fill(0);
      return { gradients: this.#gradients, ...EMPTY_METRICS, ...this.#emptySums };
    }
    const vars = this.#trainable.map((i) => this.#model.variables[i]!);
    let correct: tf.Scalar | undefined;
    let sums: tf.Tensor1D | undefined;
    const { value, grads } = tf.tidy(() => {
      const [x, y] = this.#inputs(batch);
      return tf.variableGrads(() => {
        const output = this.#model.forward(x, true);
        const terms = lossTerms(output, this.#model.loss, y, this.#model.numClasses);
        correct = tf.keep(terms.correct);
        if (this.#metrics.size > 0) sums = tf.keep(this.#metricSums(output, y));
        return terms.lossSum;
      }, vars);
    });
    try {
      for (let k = 0; k < vars.length; k++) {
        const g = grads[vars[k]!.name];
        if (!g) throw new BackendError('tfjs', `no gradient for variable "${vars[k]!.name}"; is it used by the model?`);
        readInto(g, this.#gradients, this.#gradOffsets[k]!);
      }
      const lossSum = (await value.data())[0]!;
      const nCorrect = (await correct!.data())[0]!;
      const out = { gradients: this.#gradients, lossSum, count: batch.size, correct: nCorrect };
      return sums ? { ...out, sums: (await sums.data()) as Float32Array } : out;
    } finally {
      tf.dispose([value, ...Object.values(grads), ...(correct ? [correct] : []), ...(sums ? [sums] : [])]);
    }
  }

  async applyGradients(meanGradients: Float32Array): Promise<void> {
    this.#live();
    this.#checkGradientLength(meanGradients, 'applyGradients');
    this.#optimizer.apply(this.#master, meanGradients);
    this.#upload();
  }

  /** Sharded update: this range of the master copy only; uploaded at the next use (the caller fills the rest). */
  async applyGradientsRange(meanGradients: Float32Array, start: number, end: number): Promise<void> {
    this.#live();
    this.#checkGradientLength(meanGradients, 'applyGradientsRange');
    this.#optimizer.apply(this.#master, meanGradients, start, end);
  }

  trainableWeights(): Float32Array {
    this.#live();
    this.#masterShared = true;
    return this.#master;
  }

  #checkGradientLength(g: Float32Array, what: string): void {
    if (g.length !== this.trainableSize) {
      throw new ShapeMismatchError(`${what} got ${g.length} values; this model has ${this.trainableSize} trainable weights`);
    }
  }

  #uploadIfShared(): void {
    if (this.#masterShared) this.#upload();
  }

  /** Master copy -> the trainable variables. */
  #upload(): void {
    tf.tidy(() => {
      this.#trainable.forEach((i, k) => {
        const e = this.layout.entries[i]!;
        const view = this.#master.subarray(this.#gradOffsets[k], this.#gradOffsets[k]! + e.size);
        this.#model.variables[i]!.assign(tf.tensor(this.#uploadCopies ? view.slice() : view, [...e.shape]));
      });
    });
  }

  async evaluate(batch: Batch): Promise<BatchMetrics> {
    this.#live();
    this.#uploadIfShared();
    validateBatch(batch, this.#model.inputShape, labelBounds(this.#model.loss, this.#model.numClasses));
    if (batch.size === 0) return { ...EMPTY_METRICS, ...this.#emptySums };
    const terms = tf.tidy(() => {
      const [x, y] = this.#inputs(batch);
      const output = this.#model.forward(x, false);
      const t = lossTerms(output, this.#model.loss, y, this.#model.numClasses);
      return this.#metrics.size > 0 ? [t.lossSum, t.correct, this.#metricSums(output, y)] : [t.lossSum, t.correct];
    });
    try {
      const [lossSum, correct] = await Promise.all(terms.slice(0, 2).map(async (t) => (await t.data())[0]!));
      const out = { lossSum: lossSum!, count: batch.size, correct: correct! };
      return terms[2] ? { ...out, sums: (await terms[2].data()) as Float32Array } : out;
    } finally {
      tf.dispose(terms);
    }
  }

  /** The metric sums of one output (inside tf.tidy): on the predictions, as Keras' metrics read y_pred. */
  #metricSums(output: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
    return metricSums(this.#metrics, probabilities(output, this.#model.loss), labels, this.#model.numClasses);
  }

  async predict(batch: Batch): Promise<Float32Array> {
    this.#live();
    this.#uploadIfShared();
    validateFeatures(batch, this.#model.inputShape);
    if (batch.size === 0) return new Float32Array(0);
    const probs = tf.tidy(() => probabilities(this.#model.forward(this.#inputs(batch)[0], false), this.#model.loss));
    try {
      return Float32Array.from(await probs.data());
    } finally {
      probs.dispose();
    }
  }

  async getWeights(): Promise<Float32Array> {
    this.#live();
    this.#uploadIfShared();
    const out = new Float32Array(this.layout.totalSize);
    for (let i = 0; i < this.layout.entries.length; i++) {
      out.set(await this.#model.variables[i]!.data(), this.layout.entries[i]!.offset);
    }
    return out;
  }

  async setWeights(flat: Float32Array): Promise<void> {
    this.#live();
    if (flat.length !== this.layout.totalSize) {
      throw new ShapeMismatchError(`setWeights got ${flat.length} values; this model's layout holds ${this.layout.totalSize}`);
    }
    tf.tidy(() => {
      this.layout.entries.forEach((e, i) => {
        this.#model.variables[i]!.assign(tf.tensor(flat.slice(e.offset, e.offset + e.size), [...e.shape]));
      });
    });
    this.#trainable.forEach((i, k) => {
      const e = this.layout.entries[i]!;
      this.#master.set(flat.subarray(e.offset, e.offset + e.size), this.#gradOffsets[k]);
    });
  }

  async exportOptimizerState(): Promise<OptimizerState> {
    this.#live();
    return this.#optimizer.exportState();
  }

  async importOptimizerState(state: OptimizerState): Promise<void> {
    this.#live();
    this.#optimizer.importState(state);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#model.dispose();
  }

  #inputs(batch: Batch): [tf.Tensor, tf.Tensor1D] {
    // int32 class ids, or float32 targets (regression, soft binary labels): the loss decides (labelKindOf)
    return [tf.tensor(batch.x, [batch.size, ...batch.exampleShape]), tf.tensor1d(batch.y, labelKindOf(this.#model.loss))];
  }

  #live(): void {
    if (this.#disposed) throw new BackendError('tfjs', 'this replica was disposed; create a new one with createReplica');
  }
}
