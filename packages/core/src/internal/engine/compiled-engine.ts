/**
 * The TrainEngine for compiled backends (PJRT/XLA, as TPUStrategy runs): staged steps are
 * copied into preallocated stacked buffers (two sets, alternated, so the next group is
 * staged while the device runs this one) and one `trainSteps` call runs them all; the
 * all-reduce happens inside the compiled program. Shapes are static: every per-replica
 * batch must hold exactly the compiled per-replica batch size.
 */
import type { Batch, LabelKind } from '../../contracts/batch';
import type { CompiledProgram } from '../../contracts/compiled-program';
import type { OptimizerState } from '../../contracts/optimizer-state';
import type { BatchMetrics } from '../../contracts/replica-program';
import { addSums } from '../../model/metric-layout';
import { ShapeMismatchError } from '../../errors/shape-mismatch-error';
import { UnsupportedOperationError } from '../../errors/unsupported-operation-error';
import type { RunStagedOptions, StepResult, TrainEngine } from '../../contracts/train-engine';
import { wallClockMs } from '../../contracts/step-profiler';
import { CompiledStepClock } from '../profile/compiled-step-clock';
import { concatFloat32 } from './concat-float32';

export class CompiledEngine implements TrainEngine {
  readonly #clock = new CompiledStepClock();
  readonly maxStagedSteps: number;
  #sets: Batch[][][] = [[], []];
  #set = 0;
  #staged = 0;

  /** @param labels the labels' type the program's loss reads (labelKindOf(spec)). */
  constructor(
    readonly program: CompiledProgram,
    private readonly exampleShape: readonly number[],
    labels: LabelKind = 'int32',
  ) {
    this.maxStagedSteps = program.stepsPerExecution;
    const len = exampleShape.reduce((a, b) => a * b, 1);
    const b = program.perReplicaBatch;
    for (const set of this.#sets) {
      for (let s = 0; s < this.maxStagedSteps; s++) {
        set.push(
          Array.from({ length: program.numReplicas }, () => ({
            x: new Float32Array(b * len),
            y: labels === 'float32' ? new Float32Array(b) : new Int32Array(b),
            size: b,
            exampleShape,
          })),
        );
      }
    }
  }

  get numReplicas(): number {
    return this.program.numReplicas;
  }

  get layout(): CompiledProgram['layout'] {
    return this.program.layout;
  }

  stageStep(batches: readonly Batch[]): void {
    const b = this.program.perReplicaBatch;
    if (batches.length !== this.program.numReplicas) {
      throw new ShapeMismatchError(`a step has ${batches.length} replica batches; the program was compiled for ${this.program.numReplicas} devices`);
    }
    const target = this.#sets[this.#set]![this.#staged]!;
    batches.forEach((batch, r) => {
      if (batch.size !== b) {
        throw new ShapeMismatchError(
          `replica ${r} got a batch of ${batch.size} examples; the compiled step needs exactly ${b} (static shapes). ` +
            'Use dropRemainder, or a virtual epoch size that is a multiple of the global batch',
        );
      }
      if (target[r]!.y instanceof Int32Array && !(batch.y instanceof Int32Array)) {
        throw new UnsupportedOperationError(
          'engine',
          'compiled',
          'float32 labels for a categorical loss',
          "its loss reads int32 class ids: distribute the data with labelKind 'int32' (labelKindOf(spec))",
        );
      }
      target[r]!.x.set(batch.x.subarray(0, target[r]!.x.length));
      target[r]!.y.set(batch.y.subarray(0, b));
    });
    this.#staged++;
  }

  async runStaged(options: RunStagedOptions = {}): Promise<StepResult[]> {
    const steps = this.#staged;
    const wallStart = wallClockMs();
    const batches = this.#sets[this.#set]!.slice(0, steps);
    this.#set ^= 1;
    this.#staged = 0;
    const t0 = performance.now();
    const metrics = await this.program.trainSteps({ steps, batches });
    const perStep = (performance.now() - t0) / Math.max(1, steps);
    this.#clock.report(options.profiler, options.firstStep ?? 0, this.numReplicas, wallStart, steps);
    return metrics.map((m) => ({ ...m, stepMs: perStep, allReduceMs: 0 }));
  }

  /** Evaluation runs on the host copy of the program's weights (any batch size). */
  async evaluate(batches: readonly Batch[]): Promise<BatchMetrics> {
    let lossSum = 0;
    let count = 0;
    let correct = 0;
    let sums: Float32Array | undefined;
    for (const b of batches) {
      if (b.size === 0) continue;
      const m = await this.program.evaluate(b);
      lossSum += m.lossSum;
      count += m.count;
      correct += m.correct;
      if (m.sums) sums = addSums(sums, m.sums, (n) => new Float32Array(n));
    }
    return sums ? { lossSum, count, correct, sums } : { lossSum, count, correct };
  }

  async predict(batches: readonly Batch[]): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for (const b of batches) if (b.size > 0) parts.push(await this.program.predict(b));
    return concatFloat32(parts);
  }

  getWeights(): Promise<Float32Array> {
    return this.program.getWeights();
  }
  setWeights(flat: Float32Array): Promise<void> {
    return this.program.setWeights(flat);
  }
  exportOptimizerState(): Promise<OptimizerState> {
    return this.program.exportOptimizerState();
  }
  importOptimizerState(state: OptimizerState): Promise<void> {
    return this.program.importOptimizerState(state);
  }
}
