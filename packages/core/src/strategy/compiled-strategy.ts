/**
 * A strategy for compiled backends (what TPUStrategy is): replicas are the backend's
 * devices, the whole train step (forward, backward, cross-replica all-reduce, update) is
 * one compiled program, and `stepsPerExecution` steps run per host call. Weights and
 * optimizer state stay on the devices between calls; only batches cross.
 *
 * The program is compiled for static shapes: at createModel for a default batch, and
 * again when fit asks for another per-replica batch or stepsPerExecution (the weights
 * and optimizer state move to the new program). Evaluation accepts any batch size.
 */
import type { CompiledBackend } from '../contracts/backend';
import type { ReduceOp } from '../contracts/communicator';
import type { CompiledProgram } from '../contracts/compiled-program';
import type { CreateModelOptions, DistributedModel, PerReplica, ReplicaContext, Strategy } from '../contracts/strategy';
import type { DistributeOptions, DistributedDataset } from '../contracts/distributed-dataset';
import { distributeDataset } from '../data/distribute';
import { labelKindOf } from '../model/resolve-loss';
import type { ExampleSource } from '../contracts/example-source';
import type { DataSource } from '../contracts/data-source';
import { InputContext } from '../data/input-context';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { parseModelSpec } from '../model/parse-model-spec';
import type { ModelSpec, ModelSpecLike } from '../spec/model-spec';
import { CompiledEngine } from '../internal/engine/compiled-engine';
import { runInScope } from './current-strategy';
import { DEFAULT_SEED, EngineModel } from '../internal/engine/engine-model';
import { reducePerReplica } from '../internal/engine/reduce-per-replica';
import type { TrainEngine } from '../contracts/train-engine';

/** Per-replica batch compiled at createModel, before fit names one. */
export const DEFAULT_COMPILED_PER_REPLICA_BATCH = 32;

export interface CompiledStrategyOptions {
  readonly backend: CompiledBackend;
  /** Devices to replicate over (addressable devices of the backend). */
  readonly numReplicas: number;
  /** Default steps per host call (fit's stepsPerExecution overrides it). */
  readonly stepsPerExecution?: number;
  /** Display name (TPUStrategy for PJRT). */
  readonly name?: string;
}

/** A TrainEngine whose CompiledEngine is swapped when the program is recompiled. */
class RecompilingEngine implements TrainEngine {
  constructor(public current: CompiledEngine) {}
  get numReplicas() {
    return this.current.numReplicas;
  }
  get layout() {
    return this.current.layout;
  }
  get maxStagedSteps() {
    return this.current.maxStagedSteps;
  }
  stageStep(b: Parameters<TrainEngine['stageStep']>[0]) {
    this.current.stageStep(b);
  }
  runStaged() {
    return this.current.runStaged();
  }
  evaluate(b: Parameters<TrainEngine['evaluate']>[0]) {
    return this.current.evaluate(b);
  }
  predict(b: Parameters<TrainEngine['predict']>[0]) {
    return this.current.predict(b);
  }
  getWeights() {
    return this.current.getWeights();
  }
  setWeights(w: Float32Array) {
    return this.current.setWeights(w);
  }
  exportOptimizerState() {
    return this.current.exportOptimizerState();
  }
  importOptimizerState(s: Parameters<TrainEngine['importOptimizerState']>[0]) {
    return this.current.importOptimizerState(s);
  }
}

export class CompiledStrategy implements Strategy {
  readonly name: string;
  readonly numReplicasInSync: number;
  readonly #models = new Set<EngineModel>();

  constructor(readonly options: CompiledStrategyOptions) {
    if (!Number.isInteger(options.numReplicas) || options.numReplicas < 1) {
      throw new InvalidConfigError('numReplicas', options.numReplicas, 'an integer >= 1 (the number of devices)');
    }
    const k = options.stepsPerExecution ?? 1;
    if (!Number.isInteger(k) || k < 1) throw new InvalidConfigError('stepsPerExecution', k, 'an integer >= 1');
    this.name = options.name ?? 'CompiledStrategy';
    this.numReplicasInSync = options.numReplicas;
  }

  scope<T>(fn: () => T): T {
    return runInScope(this, fn);
  }

  distributeDataset(source: DataSource, options: DistributeOptions): DistributedDataset {
    return distributeDataset(source, options, new InputContext(1, 0, this.numReplicasInSync));
  }

  async #compile(spec: ModelSpec, seed: number, perReplicaBatch: number, stepsPerExecution: number): Promise<CompiledProgram> {
    return this.options.backend.compile(spec, { seed, numReplicas: this.numReplicasInSync, perReplicaBatch, stepsPerExecution });
  }

  async createModel(specInput: ModelSpecLike, options: CreateModelOptions = {}): Promise<DistributedModel> {
    const spec = parseModelSpec(specInput);
    const seed = options.seed ?? DEFAULT_SEED;
    let program = await this.#compile(spec, seed, DEFAULT_COMPILED_PER_REPLICA_BATCH, this.options.stepsPerExecution ?? 1);
    const engine = new RecompilingEngine(new CompiledEngine(program, spec.inputShape, labelKindOf(spec)));
    const model: EngineModel = new EngineModel(spec, engine, seed, {
      distribute: (source, o) => this.distributeDataset(source, o),
      dropRemainderByDefault: true,
      prepare: async (maxExamples, k, forTraining) => {
        if (!forTraining || (program.perReplicaBatch === maxExamples && program.stepsPerExecution === k)) return;
        const [weights, state] = [await program.getWeights(), await program.exportOptimizerState()];
        const next = await this.#compile(spec, seed, maxExamples, k);
        await next.setWeights(weights);
        await next.importOptimizerState(state);
        await program.dispose();
        program = next;
        engine.current = new CompiledEngine(program, spec.inputShape, labelKindOf(spec));
      },
      dispose: async () => {
        this.#models.delete(model);
        await program.dispose();
      },
    });
    this.#models.add(model);
    return model;
  }

  async run<T>(_fn: (ctx: ReplicaContext) => T | Promise<T>): Promise<PerReplica<T>> {
    throw new UnsupportedOperationError(
      'strategy',
      this.name,
      'run()',
      'A compiled strategy runs the whole step as one device program; use model.fit, or an orchestrated backend (MirroredStrategy) for custom loops',
    );
  }

  reduce(op: ReduceOp, value: PerReplica<number>): number;
  reduce(op: ReduceOp, value: PerReplica<Float32Array>): Float32Array;
  reduce(op: ReduceOp, value: PerReplica<number> | PerReplica<Float32Array>): number | Float32Array {
    return reducePerReplica(op, value);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#models].map((m) => m.dispose()));
  }
}
