/**
 * MirroredStrategy: one machine, N replicas in parallel (worker threads, or child
 * processes with `isolation: 'process'` so each can pin its own device), each with its
 * own backend instance; gradients meet in an all-reduce through the communicator the
 * app names (shared memory for threads, a socket ring for processes).
 *
 * Core names no backend and no transport: both arrive as typed references (`tfjs()`,
 * `sharedMemory()`, ...) loaded inside the replicas, so a third party's backend plugs in
 * the same way.
 */
import { availableParallelism } from 'node:os';
import type { ReduceOp } from '../contracts/communicator';
import { DEFAULT_COLLECTIVE_TIMEOUT_MS } from '../contracts/communicator';
import type { BackendRef, CommunicatorProvider, CommunicatorRef, GroupContext, PluginRef } from '../contracts/plugin-ref';
import type { CreateModelOptions, DistributedModel, PerReplica, ReplicaContext, Strategy } from '../contracts/strategy';
import type { Batch } from '../contracts/batch';
import type { GradientResult } from '../contracts/replica-program';
import type { ExampleSource } from '../contracts/example-source';
import type { DataSource } from '../contracts/data-source';
import type { DistributeOptions, DistributedDataset } from '../contracts/distributed-dataset';
import { distributeDataset } from '../data/distribute';
import { InputContext } from '../data/input-context';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { SynclineError } from '../errors/syncline-error';
import { ContractViolationError } from '../errors/contract-violation-error';
import { parseModelSpec } from '../model/parse-model-spec';
import type { ModelSpecLike } from '../spec/model-spec';
import { weightLayoutOf } from '../model/weight-layout-of';
import { runInScope } from './current-strategy';
import { DEFAULT_SEED, EngineModel } from '../internal/engine/engine-model';
import { loadPluginExport } from '../plugins/load-plugin';
import { checkPluginRef } from '../plugins/plugin-refs';
import { agreementFields } from './agreement-fields';
import { MirroredEngine } from '../internal/engine/mirrored-engine';
import { reducePerReplica } from '../internal/engine/reduce-per-replica';
import { ReplicaPool, type Isolation } from '../internal/replica/replica-pool';
import type { GradientBufferKind, WeightUpdateMode } from '../internal/replica/replica-messages';

export interface MirroredStrategyOptions {
  /** Replicas on this machine; default one per core (os.availableParallelism()). */
  readonly replicas?: number;
  /** 'thread' (default): worker_threads; 'process': child processes. */
  readonly isolation?: Isolation;
  /** The backend each replica builds, e.g. `tfjs()` from @syncline/backend-tfjs or `onnx()` from @syncline/backend-onnx. */
  readonly backend: BackendRef | PluginRef;
  /**
   * How the replicas all-reduce, e.g. `sharedMemory()` (threads) or `socketRing()`
   * (processes) from @syncline/collective.
   */
  readonly communicator: CommunicatorRef | PluginRef;
  /** Timeout of every collective and replica request, ms (default 300 s). */
  readonly timeoutMs?: number;
  /** Extra environment per replica process, e.g. rank => ({ CUDA_VISIBLE_DEVICES: String(rank) }). */
  readonly envFor?: (rank: number) => Record<string, string>;
  /**
   * Shard the optimizer update (TensorFlow's cross-replica weight-update sharding): each
   * replica applies the optimizer to 1/N of the weights and the replicas all-gather the
   * updated parts, so N replicas do one replica's optimizer work between them. Same
   * weights as the replicated update. Default true; used where the communicator
   * (shared memory) and the backend (onnx, tfjs) support it, else the update is replicated and
   * the strategy's `weightUpdate` says so. MultiWorkerMirroredStrategy does not shard.
   */
  readonly shardWeightUpdate?: boolean;
}

export class MirroredStrategy implements Strategy {
  readonly name: string = 'MirroredStrategy';
  readonly numReplicasInSync: number;
  /** Replicas this process runs (all of them for MirroredStrategy). */
  readonly localReplicas: number;
  readonly isolation: Isolation;
  /** How the last model's replicas apply updates ('sharded' or 'replicated'), once created. */
  weightUpdate: WeightUpdateMode | undefined;
  /** 'registered' when every replica of the last model all-reduces from a registered buffer (no copies), else 'plain'. */
  gradientBuffer: GradientBufferKind | undefined;
  readonly #shardWeightUpdate: boolean;
  readonly #numWorkers: number;
  #models = new Set<EngineModel>();
  #current: { model: EngineModel; pool: ReplicaPool } | undefined;

  constructor(
    readonly options: MirroredStrategyOptions,
    cluster: { numWorkers: number } = { numWorkers: 1 },
  ) {
    const replicas = options.replicas ?? availableParallelism();
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new InvalidConfigError('replicas', options.replicas, 'an integer >= 1');
    }
    const isolation = options.isolation ?? 'thread';
    if (isolation !== 'thread' && isolation !== 'process') {
      throw new InvalidConfigError('isolation', isolation, '"thread" or "process"');
    }
    if (options.shardWeightUpdate !== undefined && typeof options.shardWeightUpdate !== 'boolean') {
      throw new InvalidConfigError('shardWeightUpdate', options.shardWeightUpdate, 'true or false');
    }
    if (options.shardWeightUpdate === true && cluster.numWorkers > 1) {
      throw new InvalidConfigError(
        'shardWeightUpdate',
        true,
        'false or unset with several workers: sharded updates need every replica in this process (the chief alone exports the optimizer state)',
      );
    }
    checkRefs(options.backend, options.communicator, isolation, cluster.numWorkers);
    this.#shardWeightUpdate = cluster.numWorkers === 1 && options.shardWeightUpdate !== false;
    this.#numWorkers = cluster.numWorkers;
    this.numReplicasInSync = replicas * cluster.numWorkers;
    this.localReplicas = replicas;
    this.isolation = isolation;
  }

  /** This process's input pipeline: one pipeline feeding every replica. */
  protected inputContext(): InputContext {
    return new InputContext(1, 0, this.numReplicasInSync);
  }

  /** What the communicator provider learns about the group: one worker, this machine. */
  protected groupContext(timeoutMs: number): GroupContext {
    return { timeoutMs, isolation: this.isolation, workerRank: 0, workerAddresses: ['localhost'] };
  }

  scope<T>(fn: () => T): T {
    return runInScope(this, fn);
  }

  distributeDataset(source: DataSource, options: DistributeOptions): DistributedDataset {
    return distributeDataset(source, options, this.inputContext());
  }

  async createModel(specInput: ModelSpecLike, options: CreateModelOptions = {}): Promise<DistributedModel> {
    const spec = parseModelSpec(specInput);
    const seed = options.seed ?? DEFAULT_SEED;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_COLLECTIVE_TIMEOUT_MS;
    const provider = await loadPluginExport<CommunicatorProvider>(this.options.communicator, 'communicator');
    const group = await provider.prepareGroup(this.localReplicas, this.options.communicator.options, this.groupContext(timeoutMs));
    let pool: ReplicaPool;
    try {
      pool = await ReplicaPool.start({
        replicas: this.localReplicas,
        isolation: this.isolation,
        backend: this.options.backend,
        communicator: this.options.communicator,
        group,
        spec,
        seed,
        timeoutMs,
        shardWeightUpdate: this.#shardWeightUpdate,
        ...(this.#numWorkers > 1 ? { agreement: agreementFields(spec, this.options, this.groupContext(timeoutMs), this.localReplicas, options.agree) } : {}),
        ...(this.options.envFor ? { envFor: this.options.envFor } : {}),
      });
    } catch (e) {
      await provider.releaseGroup?.(group);
      throw e;
    }
    const modes = new Set(pool.ready.map((r) => r.weightUpdate));
    if (modes.size > 1) {
      await pool.close();
      await provider.releaseGroup?.(group);
      throw new ContractViolationError(
        'replicas',
        'weight update',
        `they disagree (${[...modes].join(' vs ')}); every replica must load the same backend and communicator`,
      );
    }
    this.weightUpdate = pool.ready[0]?.weightUpdate;
    this.gradientBuffer = pool.ready.every((r) => r.gradientBuffer === 'registered') ? 'registered' : 'plain';
    const exampleLength = spec.inputShape.reduce((a, b) => a * b, 1);
    // The programs' own layout: a backend may train a model of the user's own (a tfjs
    // LayersModel file) whose weights the spec's layers do not describe.
    const layout = pool.ready[0]?.layout ?? weightLayoutOf(spec);
    const engine = new MirroredEngine(pool, layout, exampleLength, this.isolation === 'thread');
    const model: EngineModel = new EngineModel(spec, engine, seed, {
      distribute: (source, o) => this.distributeDataset(source, o),
      // every worker predicts all rows (a worker's shard alone would silently lose the rest)
      distributeLocally: (source, o) => distributeDataset(source, o, new InputContext(1, 0, this.localReplicas)),
      prepare: (maxExamples, k) => engine.prepare(maxExamples, k),
      dispose: async () => {
        this.#models.delete(model);
        if (this.#current?.model === model) this.#current = undefined;
        await pool.close();
        await provider.releaseGroup?.(group);
      },
    });
    this.#models.add(model);
    this.#current = { model, pool };
    return model;
  }

  /** The replicas' own view of their weights (to check that mirrored copies are identical). */
  async replicaWeights(model: DistributedModel): Promise<Float32Array[]> {
    if (!(model instanceof EngineModel) || !(model.engine instanceof MirroredEngine)) {
      throw new InvalidConfigError('model', 'foreign model', 'a model created by this MirroredStrategy');
    }
    return model.engine.allWeights();
  }

  async run<T>(fn: (ctx: ReplicaContext) => T | Promise<T>): Promise<PerReplica<T>> {
    const current = this.#current;
    if (!current) throw new SynclineError('INVALID_CONFIG', 'strategy.run needs a model: call strategy.createModel(spec) first');
    const { pool } = current;
    const values = await Promise.all(
      Array.from({ length: this.localReplicas }, (_, replicaId) => {
        const ctx: ReplicaContext = {
          replicaId,
          numReplicasInSync: this.numReplicasInSync,
          computeGradients: (batch: Batch) =>
            pool.request<GradientResult>(replicaId, { type: 'computeGradients', batch: { kind: 'inline', x: batch.x, y: batch.y, size: batch.size } }),
          // In place, as the Communicator contract says: the replica's result is copied back into `buf`.
          allReduce: async (buf: Float32Array, op: ReduceOp) => {
            buf.set(await pool.request<Float32Array>(replicaId, { type: 'allReduce', buf, op }));
            return buf;
          },
          applyGradients: async (g: Float32Array) => void (await pool.request(replicaId, { type: 'applyGradients', gradients: g })),
          getWeights: () => pool.request<Float32Array>(replicaId, { type: 'getWeights' }),
        };
        return fn(ctx);
      }),
    );
    return { values };
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

/**
 * Refuses references that cannot work together before any replica starts: a compiled
 * backend (it runs under TPUStrategy), a communicator for the other isolation, a
 * single-machine communicator for a cluster or the reverse.
 * @throws InvalidConfigError naming the option, the reference and what to use instead
 */
function checkRefs(backend: PluginRef, communicator: PluginRef, isolation: Isolation, numWorkers: number): void {
  checkPluginRef('backend', backend, 'backend', 'tfjs() from @syncline/backend-tfjs');
  checkPluginRef('communicator', communicator, 'communicator', 'sharedMemory() from @syncline/collective');
  const b = backend as Partial<BackendRef>;
  if (b.stepShape === 'compiled') {
    throw new InvalidConfigError(
      'backend',
      b.name,
      'an orchestrated backend (tfjs(), onnx()): a compiled backend runs the whole step as one program; use TPUStrategy with it',
    );
  }
  const c = communicator as Partial<CommunicatorRef>;
  if (c.isolation !== undefined && c.isolation !== 'any' && c.isolation !== isolation) {
    const other = isolation === 'thread' ? 'sharedMemory()' : 'socketRing()';
    throw new InvalidConfigError(
      'communicator',
      c.name,
      `a communicator for isolation "${isolation}" (${c.name} serves "${c.isolation}" replicas): use ${other}, or isolation "${c.isolation}"`,
    );
  }
  if (c.multiWorker === true && numWorkers === 1) {
    throw new InvalidConfigError(
      'communicator',
      c.name,
      "a single-machine communicator (sharedMemory(), socketRing()): it spans a cluster's workers; use it with MultiWorkerMirroredStrategy",
    );
  }
  if (c.kind === 'communicator' && c.multiWorker !== true && numWorkers > 1) {
    throw new InvalidConfigError(
      'communicator',
      c.name,
      `a communicator that spans the cluster's ${numWorkers} workers, e.g. multiWorker() from @syncline/collective`,
    );
  }
}
