/**
 * The ClusterResolver that TFConfigClusterResolver and SimpleClusterResolver share:
 * read-only fields computed once from a validated placement, plus the look-ups a
 * launcher or a log line needs (addresses by task, TensorFlow's master(), describe(),
 * and a TF_CONFIG to hand to a child process).
 */
import type { ClusterResolver, TaskType } from '../contracts/cluster-resolver';
import type { ClusterSpec } from '../contracts/cluster-spec';
import type { ParsedClusterConfig } from './parse-cluster-config';
import { ROLE_ORDER } from './resolve-placement';
import type { TfConfig } from './tf-config-types';

const EMPTY_SPEC: ClusterSpec = Object.freeze({});
const NO_ADDRESSES: readonly string[] = Object.freeze([]);

/** Where a resolver's cluster came from. */
export type ClusterSource = 'TF_CONFIG' | 'CLUSTER_SPEC' | 'code' | 'local';

export abstract class BaseClusterResolver implements ClusterResolver {
  abstract readonly name: string;
  /** Where the cluster came from; "local" when nothing configured one (a single machine). */
  readonly source: ClusterSource;
  readonly taskType: TaskType;
  readonly taskIndex: number;
  readonly rank: number;
  readonly worldSize: number;
  readonly isChief: boolean;
  readonly isEvaluator: boolean;
  /** Training tasks' addresses by rank; empty for a single machine (which opens no sockets). */
  readonly rankAddresses: readonly string[];
  /** This task's own "host:port"; undefined for a single machine and for an evaluator the cluster does not list. */
  readonly taskAddress: string | undefined;
  /** True when no cluster was configured: rank 0 of 1, chief, no addresses. */
  readonly isLocal: boolean;
  /** TF_CONFIG's `rpc_layer` ("grpc"), if given. Informational: Syncline's transport is its own. */
  readonly rpcLayer: string | undefined;
  /** TF_CONFIG's / CLUSTER_SPEC's `environment` ("cloud"), if given. */
  readonly environment: string | undefined;
  /** `task.trial` (AI Platform / Vertex AI hyperparameter tuning trial id), if given. */
  readonly trial: string | undefined;
  /** The `job` key as given (AI Platform and Vertex AI put the job's spec there), else undefined. */
  readonly job: unknown;
  readonly #spec: ClusterSpec;

  protected constructor(parsed: ParsedClusterConfig, source: ClusterSource) {
    const p = parsed.placement;
    this.source = p === undefined ? 'local' : source;
    this.isLocal = p === undefined;
    this.taskType = p?.taskType ?? 'worker';
    this.taskIndex = p?.taskIndex ?? 0;
    this.rank = p?.rank ?? 0;
    this.worldSize = p?.worldSize ?? 1;
    this.isChief = p?.isChief ?? true;
    this.isEvaluator = p?.isEvaluator ?? false;
    this.rankAddresses = p?.rankAddresses ?? NO_ADDRESSES;
    this.taskAddress = p?.taskAddress;
    this.rpcLayer = parsed.rpcLayer;
    this.environment = parsed.environment;
    this.trial = parsed.trial;
    this.job = parsed.job;
    this.#spec = p?.spec ?? EMPTY_SPEC;
  }

  /** The cluster by role (chief, worker, ps, evaluator; "master" and workerpoolN are renamed). Frozen; `{}` for a single machine. */
  clusterSpec(): ClusterSpec {
    return this.#spec;
  }

  /** True for the chief and the workers (rank >= 0). */
  get isTrainingTask(): boolean {
    return this.rank >= 0;
  }

  /** Number of tasks of `type` in the cluster (0 when absent). */
  numTasks(type: TaskType): number {
    return this.#spec[type]?.length ?? 0;
  }

  /** The "host:port" of task `index` of `type`, or undefined when the cluster has no such task. */
  addressOf(type: TaskType, index: number): string | undefined {
    return this.#spec[type]?.[index];
  }

  /** Training peers other than this task, as {rank, address}. */
  peers(): { rank: number; address: string }[] {
    return this.rankAddresses.map((address, rank) => ({ rank, address })).filter((p) => p.rank !== this.rank);
  }

  /**
   * TensorFlow's `master()`: the address of a task (this one by default), prefixed with
   * `rpcLayer://` when a protocol is given or configured; '' when there is no such task.
   */
  master(taskType: TaskType = this.taskType, taskIndex: number = this.taskIndex, rpcLayer: string | undefined = this.rpcLayer): string {
    const address = this.addressOf(taskType, taskIndex);
    if (address === undefined) return '';
    return rpcLayer ? `${rpcLayer}://${address}` : address;
  }

  /** One line for the start-up log: role, rank, world size, own address and peers. */
  describe(): string {
    if (this.isLocal) return 'single machine (no TF_CONFIG or CLUSTER_SPEC): rank 0 of 1, chief';
    const role = `${this.taskType} ${this.taskIndex} (from ${this.source})`;
    const where = this.taskAddress === undefined ? 'not listed in the cluster' : `at ${this.taskAddress}`;
    const place = this.isTrainingTask
      ? `rank ${this.rank} of ${this.worldSize}${this.isChief ? ', chief' : ''}`
      : `not a training task${this.isEvaluator ? ' (evaluator)' : ''}, ${this.worldSize} training tasks`;
    const peers = this.peers()
      .map((p) => `${p.rank}=${p.address}`)
      .join(' ');
    return `${role}: ${place}, ${where}; training peers: ${peers || 'none'}`;
  }

  /** This placement written as TF_CONFIG (for a child process); `{}` for a single machine. */
  toTfConfig(): TfConfig {
    if (this.isLocal) return {};
    const cluster: Partial<Record<TaskType, readonly string[]>> = {};
    for (const role of ROLE_ORDER) {
      const tasks = this.#spec[role];
      if (tasks !== undefined) cluster[role] = [...tasks];
    }
    return {
      cluster,
      task: { type: this.taskType, index: this.taskIndex, ...(this.trial === undefined ? {} : { trial: this.trial }) },
      ...(this.rpcLayer === undefined ? {} : { rpc_layer: this.rpcLayer }),
      ...(this.environment === undefined ? {} : { environment: this.environment }),
    };
  }
}
