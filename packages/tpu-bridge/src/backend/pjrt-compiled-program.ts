/**
 * The "pjrt" CompiledProgram: the whole train step as one XLA program per call, run on
 * every replica device at once. Weights, optimizer slots and the update counter stay on
 * the devices between calls; only stacked batches go in and (lossSum, correct) per step
 * comes back.
 *
 * 1. trainSteps: stage batches per replica, upload, execute the k-step module (compiled
 *    once per k), adopt its outputs as the new device state, read metrics from device 0.
 * 2. evaluate/predict: a forward module per batch size on device 0; gradients (for parity
 *    checks) a forward and backward module on device 0.
 * 3. Calls are serialised: one program never runs two steps at once.
 */
import {
  InvalidConfigError,
  ShapeMismatchError,
  type Batch,
  type BatchMetrics,
  type CompiledProgram,
  type OptimizerState,
  type StackedBatches,
  type WeightLayout,
} from '@syncline/core';
import type { PjrtBuffer } from '../pjrt/buffer';
import type { PjrtClient, PjrtDevice } from '../pjrt/client';
import type { PjrtLoadedExecutable } from '../pjrt/executable';
import { emitEval } from '../stablehlo/eval-module';
import { emitGradients } from '../stablehlo/gradients-module';
import type { ModelPlan } from '../stablehlo/model-plan';
import { emitTrainStep } from '../stablehlo/train-step-module';
import { DeviceState } from './device-state';
import { allocateStaging, stackInto, type Staging } from './stack-batches';

export interface ProgramShape {
  /** The run's seed (dropout's masks depend on it). */
  readonly seed?: number;
  readonly numReplicas: number;
  readonly perReplicaBatch: number;
  readonly stepsPerExecution: number;
}

export class PjrtCompiledProgram implements CompiledProgram {
  readonly layout: WeightLayout;
  readonly numReplicas: number;
  readonly perReplicaBatch: number;
  readonly stepsPerExecution: number;
  readonly #train = new Map<number, { exe: PjrtLoadedExecutable; staging: Staging; bound: PjrtBuffer[] }>();
  readonly #eval = new Map<number, PjrtLoadedExecutable>();
  readonly #exampleSize: number;
  readonly #seed: number;
  #queue: Promise<unknown> = Promise.resolve();
  #step = 0;
  #disposed = false;

  constructor(
    private readonly client: PjrtClient,
    private readonly devices: readonly PjrtDevice[],
    private readonly plan: ModelPlan,
    shape: ProgramShape,
    private readonly state: DeviceState,
    private readonly onDispose: () => void = () => undefined,
  ) {
    this.layout = plan.layout;
    this.numReplicas = shape.numReplicas;
    this.perReplicaBatch = shape.perReplicaBatch;
    this.stepsPerExecution = shape.stepsPerExecution;
    this.#exampleSize = plan.exampleShape.reduce((a, b) => a * b, 1);
    this.#seed = shape.seed ?? 0;
  }

  /** Compiles the k-step module now (the constructor's caller does this for stepsPerExecution). */
  prepare(steps: number): void {
    if (this.#train.has(steps)) return;
    const text = emitTrainStep(this.plan, { numReplicas: this.numReplicas, perReplicaBatch: this.perReplicaBatch, steps, seed: this.#seed }).text;
    const exe = this.client.compile(text, { numReplicas: this.numReplicas, deviceIds: this.devices.map((d) => d.id) });
    const bound = this.devices.map((d) => this.client.bufferFromHost(new Int32Array([steps]), [], d));
    const staging = allocateStaging(this.numReplicas, steps, this.perReplicaBatch, this.#exampleSize, this.plan.labelKind);
    this.#train.set(steps, { exe, staging, bound });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#disposed) throw new InvalidConfigError('program', 'disposed', 'a live program: compile a new one after dispose()');
      return fn();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  trainSteps(stacked: StackedBatches): Promise<BatchMetrics[]> {
    return this.#serial(async () => {
      const k = stacked.steps;
      if (!Number.isInteger(k) || k < 1) throw new ShapeMismatchError(`trainSteps needs steps >= 1, got ${k}`);
      this.prepare(k);
      const { exe, staging, bound } = this.#train.get(k)!;
      stackInto(staging, stacked, this.numReplicas, this.perReplicaBatch, this.plan.exampleShape);
      const inputs: PjrtBuffer[] = [];
      try {
        const args = this.devices.map((d, r) => {
          const xs = this.client.bufferFromHost(staging.xs[r]!, [k, this.perReplicaBatch, ...this.plan.exampleShape], d);
          const ys = this.client.bufferFromHost(staging.ys[r]!, [k, this.perReplicaBatch], d);
          inputs.push(xs, ys);
          return [...this.state.of(r), xs, ys, bound[r]!];
        });
        const outs = await exe.execute(args);
        const metricsBuffers = outs.map((o) => o.pop()!);
        this.state.replace(outs);
        const metrics = await metricsBuffers[0]!.toHost(new Float32Array(k * 2));
        for (const m of metricsBuffers) m.destroy();
        this.#step += k;
        const count = this.numReplicas * this.perReplicaBatch;
        return Array.from({ length: k }, (_, s) => ({ lossSum: metrics[2 * s]!, correct: metrics[2 * s + 1]!, count }));
      } finally {
        for (const b of inputs) b.destroy();
      }
    });
  }

  #evalExe(n: number): PjrtLoadedExecutable {
    let exe = this.#eval.get(n);
    if (!exe) {
      exe = this.client.compile(emitEval(this.plan, n).text, { numReplicas: 1, deviceIds: [this.devices[0]!.id] });
      this.#eval.set(n, exe);
    }
    return exe;
  }

  /** Runs the forward module on device 0; returns probabilities and (lossSum, correct). */
  #forward(batch: Batch): Promise<{ probs: Float32Array; lossSum: number; correct: number }> {
    return this.#serial(async () => {
      const n = batch.size;
      if (n === 0) return { probs: new Float32Array(0), lossSum: 0, correct: 0 };
      if (batch.x.length !== n * this.#exampleSize) {
        throw new ShapeMismatchError(`batch x has ${batch.x.length} values; expected ${n} x [${this.plan.exampleShape.join(', ')}]`);
      }
      const d = this.devices[0]!;
      const x = this.client.bufferFromHost(batch.x, [n, ...this.plan.exampleShape], d);
      const y = this.client.bufferFromHost(this.#labels(batch), [n], d);
      try {
        const [out] = await this.#evalExe(n).execute([[...this.state.of(0).slice(0, this.layout.entries.length), x, y]]);
        const [probsBuf, metricsBuf] = out!;
        const probs = await probsBuf!.toHost(new Float32Array(n * this.plan.classes));
        const m = await metricsBuf!.toHost(new Float32Array(2));
        probsBuf!.destroy();
        metricsBuf!.destroy();
        return { probs, lossSum: m[0]!, correct: m[1]! };
      } finally {
        x.destroy();
        y.destroy();
      }
    });
  }

  /**
   * Gradients of the summed loss on one batch with device 0's weights (training mode), one
   * flat array over the trainable entries in layout order, as ReplicaProgram.computeGradients
   * returns them on the other backends. Changes no state.
   */
  gradients(batch: Batch): Promise<{ lossSum: number; correct: number; gradients: Float32Array }> {
    return this.#serial(async () => {
      const n = batch.size;
      const d = this.devices[0]!;
      const trainable = this.layout.entries.filter((e) => e.trainable);
      const exe = this.client.compile(emitGradients(this.plan, n).text, { numReplicas: 1, deviceIds: [d.id] });
      const x = this.client.bufferFromHost(batch.x, [n, ...this.plan.exampleShape], d);
      const y = this.client.bufferFromHost(this.#labels(batch), [n], d);
      try {
        const [out] = await exe.execute([[...this.state.of(0).slice(0, this.layout.entries.length), x, y]]);
        const flat = new Float32Array(trainable.reduce((a, e) => a + e.size, 0));
        for (const [k, e] of trainable.entries()) {
          flat.set(await out![k]!.toHost(new Float32Array(e.size)), e.offset);
          out![k]!.destroy();
        }
        const m = await out![trainable.length]!.toHost(new Float32Array(2));
        out![trainable.length]!.destroy();
        return { lossSum: m[0]!, correct: m[1]!, gradients: flat };
      } finally {
        x.destroy();
        y.destroy();
        exe.destroy();
      }
    });
  }

  /** The batch's labels in the type the loss reads (zeros when a predict batch has none). */
  #labels(batch: Batch): Int32Array | Float32Array {
    const n = batch.size;
    const y = batch.y.length === n ? batch.y : new Int32Array(n);
    if (this.plan.labelKind === 'float32') return y instanceof Float32Array ? y : Float32Array.from(y);
    if (!(y instanceof Int32Array)) throw new ShapeMismatchError(`float32 labels for a categorical loss, which reads int32 class ids`);
    return y;
  }

  async evaluate(batch: Batch): Promise<BatchMetrics> {
    const r = await this.#forward(batch);
    return { lossSum: r.lossSum, correct: r.correct, count: batch.size };
  }

  async predict(batch: Batch): Promise<Float32Array> {
    return (await this.#forward(batch)).probs;
  }

  getWeights(): Promise<Float32Array> {
    return this.#serial(() => this.state.readFlat(this.plan, 0));
  }

  setWeights(flat: Float32Array): Promise<void> {
    return this.#serial(async () => {
      if (flat.length !== this.layout.totalSize) {
        throw new ShapeMismatchError(`setWeights got ${flat.length} values; the layout holds ${this.layout.totalSize}`);
      }
      const slots = await Promise.all(this.plan.optimizer.slotNames.map((_, s) => this.state.readFlat(this.plan, s + 1)));
      this.#reupload(flat, slots, await this.state.readT());
    });
  }

  exportOptimizerState(): Promise<OptimizerState> {
    return this.#serial(async () => {
      const names = this.plan.optimizer.slotNames;
      const flats = await Promise.all(names.map((_, s) => this.state.readFlat(this.plan, s + 1)));
      return { name: this.plan.optimizer.name, step: this.#step, slots: Object.fromEntries(names.map((n, s) => [n, flats[s]!])) };
    });
  }

  importOptimizerState(state: OptimizerState): Promise<void> {
    return this.#serial(async () => {
      const names = this.plan.optimizer.slotNames;
      if (state.name !== this.plan.optimizer.name) {
        throw new InvalidConfigError('optimizerState.name', state.name, `"${this.plan.optimizer.name}" (the model's optimizer)`);
      }
      const slots = names.map((n) => {
        const flat = state.slots[n];
        if (!flat || flat.length !== this.layout.totalSize) {
          throw new ShapeMismatchError(`optimizer slot "${n}" has ${flat?.length ?? 0} values; the layout holds ${this.layout.totalSize}`);
        }
        return flat;
      });
      this.#reupload(await this.state.readFlat(this.plan, 0), slots, state.step);
      this.#step = state.step;
    });
  }

  #reupload(weights: Float32Array, slots: readonly Float32Array[], t: number): void {
    const fresh = DeviceState.upload(this.client, this.devices, this.plan, weights, slots, t);
    this.state.replace(this.devices.map((_, d) => [...fresh.of(d)]));
  }

  dispose(): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    return this.#serial(async () => {
      this.#disposed = true;
      this.state.destroy();
      for (const { exe, bound } of this.#train.values()) {
        exe.destroy();
        for (const b of bound) b.destroy();
      }
      for (const exe of this.#eval.values()) exe.destroy();
      this.#train.clear();
      this.#eval.clear();
      this.onDispose();
    });
  }
}
