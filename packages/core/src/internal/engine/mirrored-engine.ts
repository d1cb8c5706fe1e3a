/**
 * The orchestrated TrainEngine: drives a ReplicaPool. Threads read batches from shared
 * slots (two sets of stepsPerExecution slots, alternated, plus one for evaluation);
 * processes receive them inline. Every replica all-reduces inside its `train` request,
 * so the metrics each returns are already global; the engine takes rank 0's and the
 * slowest replica's timings.
 */
import type { Batch } from '../../contracts/batch';
import type { OptimizerState } from '../../contracts/optimizer-state';
import type { BatchMetrics } from '../../contracts/replica-program';
import type { WeightLayout } from '../../contracts/weight-layout';
import type { RunStagedOptions, StepResult, TrainEngine } from '../../contracts/train-engine';
import { BatchSlots } from '../replica/batch-slots';
import type { BatchRef, StepMetrics } from '../replica/replica-messages';
import type { ReplicaPool } from '../replica/replica-pool';
import { concatFloat32 } from './concat-float32';
import { reportPhases } from '../profile/report-phases';

export class MirroredEngine implements TrainEngine {
  #set = 0;
  #staged: BatchRef[][];
  #evalSlot = 0;
  #maxExamples = 0;
  maxStagedSteps = 0;
  /** Per-replica slots (thread isolation); undefined sends batches inline (processes). */
  private slots: BatchSlots[] | undefined;

  constructor(
    private readonly pool: ReplicaPool,
    readonly layout: WeightLayout,
    private readonly exampleLength: number,
    private readonly useSlots: boolean,
  ) {
    this.#staged = Array.from({ length: pool.size }, () => []);
  }

  /**
   * Sizes the staging area for per-replica batches of up to `maxExamples` and groups of
   * `stepsPerExecution` steps; reallocates (and tells the replicas) only when it grows.
   */
  async prepare(maxExamples: number, stepsPerExecution: number): Promise<void> {
    this.maxStagedSteps = stepsPerExecution;
    this.#evalSlot = 2 * stepsPerExecution;
    this.#set = 0;
    this.#staged = Array.from({ length: this.pool.size }, () => []); // drop steps staged by a stopped fit
    if (!this.useSlots) return;
    const count = MirroredEngine.slotCount(stepsPerExecution);
    if (this.slots && this.slots[0]!.layout.count >= count && this.#maxExamples >= maxExamples) return;
    this.#maxExamples = Math.max(maxExamples, this.#maxExamples);
    const layout = { count, maxExamples: this.#maxExamples, exampleLength: this.exampleLength };
    this.slots = Array.from({ length: this.pool.size }, () => new BatchSlots(layout));
    await this.pool.all((r) => ({ type: 'setSlots', buffer: this.slots![r]!.buffer, count, maxExamples: this.#maxExamples }));
  }

  get numReplicas(): number {
    return this.pool.size;
  }

  /** Slots each replica needs for a given stepsPerExecution (two sets plus evaluation). */
  static slotCount(stepsPerExecution: number): number {
    return 2 * stepsPerExecution + 1;
  }

  #ref(replica: number, slot: number, batch: Batch): BatchRef {
    if (this.slots) {
      const labels = this.slots[replica]!.write(slot, batch);
      return labels === 'float32' ? { kind: 'slot', slot, size: batch.size, labels } : { kind: 'slot', slot, size: batch.size };
    }
    return { kind: 'inline', x: batch.x.slice(), y: batch.y.slice(), size: batch.size };
  }

  stageStep(batches: readonly Batch[]): void {
    const step = this.#staged[0]!.length;
    const slot = this.#set * this.maxStagedSteps + step;
    batches.forEach((b, r) => this.#staged[r]!.push(this.#ref(r, slot, b)));
  }

  async runStaged(options: RunStagedOptions = {}): Promise<StepResult[]> {
    const staged = this.#staged;
    this.#staged = Array.from({ length: this.pool.size }, () => []);
    this.#set ^= 1;
    const totals = options.profiler?.rankTotals !== undefined; // the straggler report asks for every rank's totals
    const perReplica = await this.pool.all<StepMetrics[]>((r) => ({ type: 'train', steps: staged[r]!, preempt: options.preempt === true, totals }));
    if (options.profiler) reportPhases(options.profiler, options.firstStep ?? 0, perReplica);
    return perReplica[0]!.map((m, i) => ({
      lossSum: m.lossSum,
      count: m.count,
      correct: m.correct,
      ...(m.sums ? { sums: m.sums } : {}),
      stepMs: Math.max(...perReplica.map((p) => p[i]!.stepMs)),
      allReduceMs: Math.max(...perReplica.map((p) => p[i]!.allReduceMs)),
      stopRequested: m.stopRequested,
      phases: m,
    }));
  }

  async evaluate(batches: readonly Batch[]): Promise<BatchMetrics> {
    // Every replica all-reduces its metrics, so each part is already the global sum.
    const parts = await this.pool.all<BatchMetrics>((r) => ({ type: 'evaluate', batch: this.#ref(r, this.#evalSlot, batches[r]!) }));
    return parts[0]!;
  }

  async predict(batches: readonly Batch[]): Promise<Float32Array> {
    const parts = await this.pool.all<Float32Array>((r) => ({ type: 'predict', batch: this.#ref(r, this.#evalSlot, batches[r]!) }));
    return concatFloat32(parts);
  }

  getWeights(): Promise<Float32Array> {
    return this.pool.request<Float32Array>(0, { type: 'getWeights' });
  }

  async setWeights(flat: Float32Array): Promise<void> {
    await this.pool.all(() => ({ type: 'setWeights', weights: flat }));
  }

  /** Every replica takes part: with a sharded update they gather each other's slot ranges. */
  async exportOptimizerState(): Promise<OptimizerState> {
    return (await this.pool.all<OptimizerState>(() => ({ type: 'exportOptimizerState' })))[0]!;
  }

  async importOptimizerState(state: OptimizerState): Promise<void> {
    await this.pool.all(() => ({ type: 'importOptimizerState', state }));
  }

  /** Every global rank's sha256 of its weights and optimizer state, in rank order (a collective over the group). */
  async replicaStateHashes(): Promise<string[]> {
    return (await this.pool.all<string[]>(() => ({ type: 'stateHashes' })))[0]!;
  }

  /** Test hook: sets the weights of one local replica only (to make it diverge). */
  async setReplicaWeights(replica: number, flat: Float32Array): Promise<void> {
    await this.pool.request(replica, { type: 'setWeights', weights: flat });
  }

  /** Every replica's weights, for checking that mirrored copies are identical. */
  allWeights(): Promise<Float32Array[]> {
    return this.pool.all<Float32Array>(() => ({ type: 'getWeights' }));
  }
}
