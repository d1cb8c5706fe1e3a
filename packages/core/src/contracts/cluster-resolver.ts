/**
 * Where a task sits in a cluster: TF_CONFIG, Vertex AI CLUSTER_SPEC, a TPU topology or
 * code. Ranks count the training tasks only (chief first, then workers).
 */
import type { ClusterSpec } from './cluster-spec';

export type TaskType = 'chief' | 'worker' | 'ps' | 'evaluator';

export interface ClusterResolver {
  readonly name: string;
  clusterSpec(): ClusterSpec;
  readonly taskType: TaskType;
  readonly taskIndex: number;
  /** Rank among training tasks (chief, then workers); -1 for ps/evaluator. */
  readonly rank: number;
  /** Number of training tasks (chief + workers). */
  readonly worldSize: number;
  /** The chief, or worker 0 when the cluster has no chief. */
  readonly isChief: boolean;
  /** True for the side-car evaluator task, which takes no part in collectives. */
  readonly isEvaluator: boolean;
  /**
   * Addresses of the training tasks, indexed by rank. Empty when nothing configured a
   * cluster (a single machine: rank 0 of 1, no sockets to open).
   */
  readonly rankAddresses: readonly string[];
}
