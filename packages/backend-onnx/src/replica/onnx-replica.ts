/**
 * One replica on ONNX Runtime (the ReplicaProgram contract):
 * 1. weights live in one flat Float32Array; every parameter input is an ort.Tensor viewing
 *    its range, made once, so a step copies no weights;
 * 2. computeGradients runs the train graph and returns every trainable entry's gradient
 *    (of the SUM of per-example losses) as one flat array, with lossSum and correct; from
 *    the second step ORT writes each entry's gradient output straight into its range of
 *    that array (an imported graph's concatenated `gradients` output into its own buffer),
 *    so the returned array is valid until the next computeGradients (callers copy or
 *    reduce it before then);
 * 3. applyGradients runs the flat optimizer in place on the trainable prefix
 *    (applyGradientsRange on part of it, for sharded weight updates, which then write
 *    the other parts straight into trainableWeights());
 * 4. an empty batch returns zero gradients without running ORT;
 * 5. state the train graph recomputes (BatchNorm running statistics) is copied back into
 *    its non-trainable weight entries after each computeGradients.
 */
import * as ort from 'onnxruntime-node';
import {
  BackendError,
  ShapeMismatchError,
  type Batch,
  type BatchMetrics,
  type GradientResult,
  type OptimizerState,
  type ReplicaProgram,
  type WeightLayout,
  Xoshiro128,
  createFlatOptimizer,
  type FlatOptimizer,
} from '@syncline/core';
import { GRADIENTS } from '../graph/spec-graphs';
import { CORRECT, LOSS_SUM, PROBS } from '../graph/loss-head';
import { METRIC_SUMS } from '../graph/metric-head';
import { encodeModel } from '../proto/onnx-proto';
import type { ReplicaGraphs } from './replica-graphs';
import { batchFeeds, type FeedStage } from './batch-feeds';
import { createSession, type OnnxSessionOptions } from './session-options';

export class OnnxReplica implements ReplicaProgram {
  readonly layout: WeightLayout;
  readonly trainableSize: number;
  readonly #g: ReplicaGraphs;
  readonly #weights: Float32Array;
  readonly #params: Record<string, ort.Tensor> = {};
  readonly #optimizer: FlatOptimizer;
  readonly #dropoutRand: Xoshiro128;
  readonly #stage: FeedStage = {};
  /** The train graph's outputs, preallocated after the first step (see computeGradients). */
  #outputs: Record<string, ort.Tensor> | undefined;
  /** The flat gradient buffer ORT writes into from the second step on. */
  #gradients: Float32Array | undefined;
  #train: ort.InferenceSession | undefined;
  #eval: ort.InferenceSession | undefined;
  /** [METRIC_SUMS] when the spec names metrics beyond accuracy, else []. */
  readonly #metricOutputs: string[];

  private constructor(g: ReplicaGraphs, train: ort.InferenceSession, evalSession: ort.InferenceSession, dropoutSeed: number) {
    this.#g = g;
    this.layout = g.layout;
    this.trainableSize = g.trainableSize;
    this.#weights = g.initialWeights.slice();
    for (const e of g.layout.entries) {
      this.#params[e.name] = new ort.Tensor('float32', this.#weights.subarray(e.offset, e.offset + e.size), [...e.shape]);
    }
    this.#optimizer = createFlatOptimizer(g.optimizer, g.trainableSize);
    this.#train = train;
    this.#eval = evalSession;
    this.#dropoutRand = new Xoshiro128(dropoutSeed);
    this.#metricOutputs = g.metricSize ? [METRIC_SUMS] : [];
  }

  /** Loads both graphs into ORT sessions. @throws BackendError when ORT rejects a graph. */
  static async create(g: ReplicaGraphs, dropoutSeed: number, options?: OnnxSessionOptions): Promise<OnnxReplica> {
    const train = await createSession(encodeModel(g.train), 'training', options);
    const evalSession = await createSession(encodeModel(g.eval), 'evaluation', options);
    return new OnnxReplica(g, train, evalSession, dropoutSeed);
  }

  async computeGradients(batch: Batch): Promise<GradientResult> {
    const session = this.#live(this.#train);
    const feeds = batchFeeds(batch, this.#g.inputShape, this.#g.labels ?? this.#g.numClasses, this.#stage);
    if (batch.size === 0) return { lossSum: 0, count: 0, correct: 0, gradients: new Float32Array(this.trainableSize), ...this.#emptySums() };
    for (const m of this.#g.masks) feeds[m.name] = this.#mask(m.perExample * batch.size, m.rate, this.#maskDims(m.name, batch.size));
    const updates = this.#g.stateUpdates ?? [];
    const gradNames = this.#g.gradientOutputs ?? [GRADIENTS];
    const names = [LOSS_SUM, CORRECT, ...gradNames, ...updates.map((u) => u.output), ...this.#metricOutputs];
    const out = await session.run({ ...feeds, ...this.#params }, this.#outputs ?? names);
    for (const u of updates) (this.#params[u.entry]!.data as Float32Array).set(out[u.output]!.data as Float32Array);
    const gradients = this.#gradients ?? this.#flatGradients(out, gradNames);
    const [lossSum, correct] = [scalar(out[LOSS_SUM]), Math.round(scalar(out[CORRECT]))];
    // one object either way: nothing extra is made per step for an accuracy-only spec
    const result: GradientResult = this.#metricOutputs.length
      ? { lossSum, correct, count: batch.size, gradients, sums: out[METRIC_SUMS]!.data as Float32Array }
      : { lossSum, correct, count: batch.size, gradients };
    // From the second step on, ORT writes every output into the same buffers: no fresh
    // ~1 MB gradient array per step (fresh memory is slow to touch here, and garbage
    // collection of per-step buffers takes CPU from the other replicas).
    // Per-entry gradients are written by ORT straight into views of one flat buffer (no
    // Concat copy); the concatenated output of an imported graph is reused as it is.
    if (!this.#outputs) {
      let at = 0;
      const flat = this.#g.gradientOutputs ? gradients : undefined;
      this.#outputs = Object.fromEntries(
        names.map((n) => {
          const t = out[n]!;
          const len = (t.data as Float32Array).length;
          const data = flat && gradNames.includes(n) ? flat.subarray(at, (at += len)) : (t.data as Float32Array).slice();
          return [n, new ort.Tensor('float32', data, t.dims)];
        }),
      );
      this.#gradients = flat ?? (this.#outputs[GRADIENTS]!.data as Float32Array);
    }
    return result;
  }

  /** The first step's gradients, concatenated in layout order into the buffer later steps reuse. */
  #flatGradients(out: Record<string, ort.Tensor>, names: readonly string[]): Float32Array {
    if (!this.#g.gradientOutputs) return out[GRADIENTS]!.data as Float32Array;
    const parts = names.map((n) => out[n]!.data as Float32Array);
    const total = parts.reduce((a, p) => a + p.length, 0);
    if (total !== this.trainableSize) {
      throw new BackendError(
        'onnx',
        `the train graph's ${names.length} gradient outputs hold ${total} values; this model has ${this.trainableSize} trainable weights`,
      );
    }
    const flat = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      flat.set(p, at);
      at += p.length;
    }
    return flat;
  }

  async applyGradients(meanGradients: Float32Array): Promise<void> {
    this.#apply('applyGradients', meanGradients);
  }

  /** The range itself is checked by core's optimizer (a ShapeMismatchError naming it). */
  async applyGradientsRange(meanGradients: Float32Array, start: number, end: number): Promise<void> {
    this.#apply('applyGradientsRange', meanGradients, start, end);
  }

  #apply(what: string, meanGradients: Float32Array, start?: number, end?: number): void {
    this.#live(this.#train);
    if (meanGradients.length !== this.trainableSize) {
      throw new ShapeMismatchError(`${what} got ${meanGradients.length} gradient values; this model has ${this.trainableSize} trainable weights`);
    }
    this.#optimizer.apply(this.#weights.subarray(0, this.trainableSize), meanGradients, start, end);
  }

  trainableWeights(): Float32Array {
    this.#live(this.#train);
    return this.#weights.subarray(0, this.trainableSize);
  }

  async evaluate(batch: Batch): Promise<BatchMetrics> {
    const session = this.#live(this.#eval);
    const feeds = batchFeeds(batch, this.#g.inputShape, this.#g.labels ?? this.#g.numClasses, this.#stage);
    if (batch.size === 0) return { lossSum: 0, count: 0, correct: 0, ...this.#emptySums() };
    const out = await session.run({ ...feeds, ...this.#params }, [LOSS_SUM, CORRECT, ...this.#metricOutputs]);
    const m = { lossSum: scalar(out[LOSS_SUM]), correct: Math.round(scalar(out[CORRECT])), count: batch.size };
    return this.#metricOutputs.length ? { ...m, sums: out[METRIC_SUMS]!.data as Float32Array } : m;
  }

  /** Zero metric sums of an empty batch (none for accuracy only). */
  #emptySums(): { sums?: Float32Array } {
    return this.#g.metricSize ? { sums: new Float32Array(this.#g.metricSize) } : {};
  }

  async predict(batch: Batch): Promise<Float32Array> {
    const session = this.#live(this.#eval);
    // Labels are not needed to predict: feed zeros so the shared eval graph runs.
    const labelsFree = { ...batch, y: this.#g.labels?.kind === 'float32' ? new Float32Array(batch.size) : new Int32Array(batch.size) };
    const feeds = batchFeeds(labelsFree, this.#g.inputShape, this.#g.labels ?? this.#g.numClasses, this.#stage);
    if (batch.size === 0) return new Float32Array(0);
    const out = await session.run({ ...feeds, ...this.#params }, [PROBS]);
    return out[PROBS]!.data as Float32Array;
  }

  async getWeights(): Promise<Float32Array> {
    return this.#weights.slice();
  }

  async setWeights(flat: Float32Array): Promise<void> {
    if (flat.length !== this.#weights.length) {
      throw new ShapeMismatchError(`setWeights got ${flat.length} values; the layout holds ${this.#weights.length} (${this.layout.entries.length} tensors)`);
    }
    this.#weights.set(flat);
  }

  async exportOptimizerState(): Promise<OptimizerState> {
    return this.#optimizer.exportState();
  }

  async importOptimizerState(state: OptimizerState): Promise<void> {
    this.#optimizer.importState(state);
  }

  async dispose(): Promise<void> {
    const sessions = [this.#train, this.#eval];
    this.#train = undefined;
    this.#eval = undefined;
    for (const s of sessions) await s?.release();
  }

  #live(s: ort.InferenceSession | undefined): ort.InferenceSession {
    if (!s) throw new BackendError('onnx', 'this replica was disposed; create a new one with createReplica()');
    return s;
  }

  #maskDims(name: string, n: number): number[] {
    const dims = this.#g.train.graph.input.find((i) => i.name === name)!.type!.tensor_type!.shape!.dim;
    return dims.map((d) => d.dim_value ?? n);
  }

  #mask(size: number, rate: number, dims: number[]): ort.Tensor {
    const keep = 1 / (1 - rate);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = this.#dropoutRand.nextFloat24() < rate ? 0 : keep;
    return new ort.Tensor('float32', data, dims);
  }
}

function scalar(t: ort.Tensor | undefined): number {
  return Number((t!.data as Float32Array)[0]);
}
