/**
 * The "tfjs" orchestrated backend: builds one TfjsReplica per createReplica call, from
 * core's ModelSpec or from a user's LayersModel factory, on the fastest tfjs backend
 * present in the calling thread (selected once per thread, logged). Works in the main
 * thread and in worker_threads alike (each thread has its own tfjs engine).
 */
import type { BuildOptions, ModelSpec, OrchestratedBackend, ReplicaProgram } from '@syncline/core';
import { InvalidConfigError, createFlatOptimizer, metricLayout, parseModelSpec } from '@syncline/core';
import type { FactoryOutputs, LayersModelFactory } from './internal/model/layers-model-adapter';
import { adaptLayersModel } from './internal/model/layers-model-adapter';
import { loadLayersModelFile } from './internal/model/load-layers-model';
import type { ReplicaModel } from './internal/model/replica-model';
import { buildSpecModel } from './internal/model/spec-model';
import { TfjsReplica } from './internal/replica/tfjs-replica';
import { silentLogger, type TfjsLogger } from './internal/runtime/logger';
import type { ModuleLoader } from './internal/runtime/node-require';
import type { SelectedTfjsBackend, TfjsCandidate } from './internal/runtime/select-backend';
import { DEFAULT_TFJS_CANDIDATES, selectTfjsBackend } from './internal/runtime/select-backend';
import { aloneWithBinding, underBindingLock } from './internal/runtime/native-binding-lock';

/** tfjs's name for the backend tfjs-node and tfjs-node-gpu register. */
const NATIVE_TFJS_BACKEND = 'tensorflow';

/** The name this backend registers under. */
export const TFJS_BACKEND_NAME = 'tfjs';

export interface TfjsBackendOptions {
  /** tfjs backends to try, fastest first; default ['node-gpu', 'node', 'wasm', 'cpu']. */
  readonly candidates?: readonly TfjsCandidate[];
  /** Where the choice of backend is reported; default: stderr. */
  readonly logger?: TfjsLogger;
  /**
   * Which replicas report their choice: 'first' (default) only replica 0 (the run's first
   * replica; in a multi-worker run, the chief's), so 16 replicas print one line, not 16;
   * 'all' every replica (each thread or process selects its own).
   */
  readonly logReplicas?: LogReplicas;
  /** Build each replica's model with this instead of from the spec (spec still gives input shape and optimizer). */
  readonly modelFactory?: LayersModelFactory;
  /** Path of a tfjs LayersModel's model.json: every replica loads it (weights included) instead of building the spec's layers. */
  readonly layersModel?: string;
  /** How to read a factory model's output; default 'auto' (softmax last layer = probabilities). */
  readonly factoryOutputs?: FactoryOutputs;
  /** How optional packages (tfjs-node, tfjs-node-gpu) are loaded; default Node's require. */
  readonly loader?: ModuleLoader;
}

/** Which replicas log the tfjs backend they selected. */
export type LogReplicas = 'first' | 'all';

export class TfjsBackend implements OrchestratedBackend {
  readonly name = TFJS_BACKEND_NAME;
  readonly stepShape = 'orchestrated' as const;
  readonly #options: TfjsBackendOptions;
  #selected: SelectedTfjsBackend | undefined;

  constructor(options: TfjsBackendOptions = {}) {
    this.#options = options;
  }

  /** The tfjs backend in use in this thread, once `ready()` (or createReplica) has resolved. */
  get selected(): SelectedTfjsBackend | undefined {
    return this.#selected;
  }

  /**
   * Selects and starts the tfjs backend in this thread; throws NoUsableBackendError if none starts.
   * `replicaId` (default 0) decides, with `logReplicas`, whether the choice is logged.
   */
  async ready(replicaId = 0): Promise<SelectedTfjsBackend> {
    const { candidates, loader } = this.#options;
    const quiet = replicaId !== 0 && (this.#options.logReplicas ?? 'first') === 'first';
    const logger = quiet ? silentLogger : this.#options.logger;
    this.#selected = await selectTfjsBackend({ candidates, logger, loader });
    return this.#selected;
  }

  /**
   * Builds a replica. With the same spec and seed, every replica starts from the same
   * weights (glorotUniformInit); `replicaId` only selects the dropout mask stream.
   * Throws InvalidConfigError for an invalid spec, ShapeMismatchError for a factory model
   * that does not fit it, NoUsableBackendError when no tfjs backend starts.
   */
  async createReplica(specInput: ModelSpec, options: BuildOptions): Promise<ReplicaProgram> {
    // Validated again here: the spec may have crossed a thread boundary as plain data.
    const spec = parseModelSpec(specInput, 'createReplica(spec)');
    const replicaId = options.replicaId ?? 0;
    const selected = await aloneWithBinding(() => this.ready(replicaId));
    if (selected.tfjsBackend !== NATIVE_TFJS_BACKEND) return this.#build(spec, options, selected);
    // tfjs-node: one native binding per process, whose attribute-name table is not thread-safe (native-binding-lock.ts)
    return underBindingLock(await aloneWithBinding(() => this.#build(spec, options, selected)));
  }

  async #build(spec: ModelSpec, options: BuildOptions, selected: SelectedTfjsBackend): Promise<ReplicaProgram> {
    const replicaId = options.replicaId ?? 0;
    const path = this.#options.layersModel;
    const factory = this.#options.modelFactory ?? (path !== undefined ? () => loadLayersModelFile(path) : undefined);
    let model: ReplicaModel;
    if (factory) {
      const layersModel = await factory({ spec, seed: options.seed, replicaId });
      try {
        model = adaptLayersModel(layersModel, spec, this.#options.factoryOutputs ?? 'auto');
      } catch (error) {
        layersModel.dispose();
        throw error;
      }
    } else {
      model = buildSpecModel(spec, { seed: options.seed, replicaId });
    }
    const uploadCopies = selected.tfjsBackend !== 'wasm';
    const metrics = metricLayout(spec.metrics, model.numClasses);
    const replica = new TfjsReplica(model, (size) => createFlatOptimizer(spec.optimizer, size), uploadCopies, metrics);
    await replica.syncMaster();
    return replica;
  }
}

const CANDIDATES: ReadonlySet<string> = new Set(DEFAULT_TFJS_CANDIDATES);
const OUTPUTS: ReadonlySet<string> = new Set(['auto', 'logits', 'probabilities']);
const LOG_REPLICAS: ReadonlySet<string> = new Set<LogReplicas>(['first', 'all']);

/**
 * The BackendFactory `tfjs()` references, called once per replica: options arrive by
 * structured clone, so only `candidates`, `factoryOutputs`, `logReplicas` and `layersModel` are accepted here (a logger,
 * loader or model factory needs `new TfjsBackend(options)` in-process). Throws InvalidConfigError.
 */
export function createTfjsBackend(options: unknown = {}): TfjsBackend {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidConfigError('tfjs backend options', options, 'an object such as { candidates: ["wasm", "cpu"] }');
  }
  const { candidates, factoryOutputs, logReplicas, layersModel, ...rest } = options as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) {
    throw new InvalidConfigError(
      `tfjs backend options.${unknownKeys[0]}`,
      rest[unknownKeys[0]!],
      'no such option (known: candidates, factoryOutputs, logReplicas, layersModel)',
    );
  }
  if (candidates !== undefined && (!Array.isArray(candidates) || candidates.length === 0 || !candidates.every((c) => CANDIDATES.has(c)))) {
    throw new InvalidConfigError('tfjs backend options.candidates', candidates, `a non-empty list of ${[...CANDIDATES].join(', ')}`);
  }
  if (factoryOutputs !== undefined && !OUTPUTS.has(factoryOutputs as string)) {
    throw new InvalidConfigError('tfjs backend options.factoryOutputs', factoryOutputs, 'auto, logits or probabilities');
  }
  if (logReplicas !== undefined && !LOG_REPLICAS.has(logReplicas as string)) {
    throw new InvalidConfigError('tfjs backend options.logReplicas', logReplicas, '"first" (only replica 0 logs its backend) or "all"');
  }
  if (layersModel !== undefined && (typeof layersModel !== 'string' || layersModel === '')) {
    throw new InvalidConfigError('tfjs backend options.layersModel', layersModel, "the path of a tfjs LayersModel's model.json");
  }
  return new TfjsBackend({
    ...(layersModel !== undefined ? { layersModel: layersModel as string } : {}),
    candidates: candidates as TfjsCandidate[] | undefined,
    factoryOutputs: factoryOutputs as FactoryOutputs | undefined,
    logReplicas: logReplicas as LogReplicas | undefined,
  });
}
