/**
 * MultiWorkerMirroredStrategy: MirroredStrategy across machines. One process per
 * training task of the cluster (TF_CONFIG by default); each hosts `replicasPerWorker`
 * local replicas. The communicator (`multiWorker()` from @syncline/collective) spans every
 * replica of every worker (hierarchical: shared memory inside the host, a TCP ring between
 * hosts); it learns this worker's rank and the cluster's addresses from the resolver, so the
 * mirrored train step is unchanged; only the input pipeline differs: each worker reads
 * its own shard (auto-shard policy, shared seed) and every worker runs the same number
 * of steps per epoch whatever its shard size.
 */
import type { ClusterResolver } from '../contracts/cluster-resolver';
import { TFConfigClusterResolver } from '../cluster/tf-config-cluster-resolver';
import { InputContext } from '../data/input-context';
import type { GroupContext } from '../contracts/plugin-ref';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { MirroredStrategy, type MirroredStrategyOptions } from './mirrored-strategy';

interface CommonOptions extends Omit<MirroredStrategyOptions, 'replicas' | 'communicator'> {
  /** Where this task sits; default TFConfigClusterResolver.fromEnv(). */
  readonly clusterResolver?: ClusterResolver;
  /** Local replicas per worker process (default 1). */
  readonly replicasPerWorker?: number;
}

/**
 * The cross-worker communicator, e.g. `multiWorker()` from @syncline/collective
 * (hierarchical shared memory + TCP ring), as `communicator` (like MirroredStrategy) or
 * `communication` (tf.distribute's name); give one of them.
 */
export type MultiWorkerMirroredStrategyOptions = CommonOptions &
  (
    | { readonly communicator: MirroredStrategyOptions['communicator']; readonly communication?: undefined }
    | { readonly communication: MirroredStrategyOptions['communicator']; readonly communicator?: undefined }
  );

export class MultiWorkerMirroredStrategy extends MirroredStrategy {
  override readonly name: string = 'MultiWorkerMirroredStrategy';
  readonly clusterResolver: ClusterResolver;

  constructor(options: MultiWorkerMirroredStrategyOptions) {
    const resolver = options.clusterResolver ?? TFConfigClusterResolver.fromEnv();
    if (resolver.isEvaluator || resolver.rank < 0) {
      throw new InvalidConfigError(
        'task.type',
        resolver.taskType,
        '"chief" or "worker": an evaluator or ps task takes no part in training (run it as a side-car evaluator)',
        { source: resolver.name },
      );
    }
    if (options.communicator !== undefined && options.communication !== undefined) {
      throw new InvalidConfigError('communication', 'given with communicator', 'one of communicator and communication (they are the same option)');
    }
    const communicator = options.communicator ?? options.communication;
    super({ ...options, replicas: options.replicasPerWorker ?? 1, communicator }, { numWorkers: resolver.worldSize });
    this.clusterResolver = resolver;
  }

  /** The provider learns this worker's rank and every training task's address. */
  protected override groupContext(timeoutMs: number): GroupContext {
    return { timeoutMs, isolation: this.isolation, workerRank: this.clusterResolver.rank, workerAddresses: this.clusterResolver.rankAddresses };
  }

  /** This worker's input pipeline among all workers. */
  protected override inputContext(): InputContext {
    return new InputContext(this.clusterResolver.worldSize, this.clusterResolver.rank, this.numReplicasInSync);
  }

  get isChief(): boolean {
    return this.clusterResolver.isChief;
  }
}
