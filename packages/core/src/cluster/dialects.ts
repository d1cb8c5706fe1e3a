/**
 * The two spellings of a cluster that Syncline reads: TensorFlow's TF_CONFIG
 * (chief / legacy master / worker / ps / evaluator) and Vertex AI's CLUSTER_SPEC
 * (workerpool0..3), each as a table from job name to role.
 *
 * Vertex AI documents its worker pools as: workerpool0 = the primary replica (chief),
 * workerpool1 = workers, workerpool2 = parameter servers or Reduction Server replicas,
 * workerpool3 = evaluators. Syncline maps workerpool2 to the `ps` role: its tasks take no
 * part in training (rank -1) whichever of the two they are, because Syncline reduces
 * gradients with its own all-reduce and runs neither parameter servers nor Reduction
 * Server. This is also how Vertex AI's prebuilt TensorFlow containers translate
 * CLUSTER_SPEC into TF_CONFIG.
 */
import type { TaskType } from '../contracts/cluster-resolver';

/** How one source names its jobs. */
export interface ClusterDialect {
  /** The name errors start with: "TF_CONFIG", "CLUSTER_SPEC", ... */
  readonly source: string;
  /** Job name as written -> role. */
  readonly roles: ReadonlyMap<string, TaskType>;
  /** Whether Kubeflow's `sparseCluster` key is read. */
  readonly readsSparseCluster: boolean;
  /** A short valid example, quoted in errors about the overall shape. */
  readonly example: string;
}

/** Environment variable names. */
export const TF_CONFIG_ENV = 'TF_CONFIG';
export const CLUSTER_SPEC_ENV = 'CLUSTER_SPEC';

export const TF_CONFIG_DIALECT: ClusterDialect = {
  source: TF_CONFIG_ENV,
  roles: new Map<string, TaskType>([
    ['chief', 'chief'],
    ['master', 'chief'],
    ['worker', 'worker'],
    ['ps', 'ps'],
    ['evaluator', 'evaluator'],
  ]),
  readsSparseCluster: true,
  example: '{"cluster": {"worker": ["host0:2222", "host1:2222"]}, "task": {"type": "worker", "index": 0}}',
};

export const VERTEX_CLUSTER_SPEC_DIALECT: ClusterDialect = {
  source: CLUSTER_SPEC_ENV,
  roles: new Map<string, TaskType>([
    ['workerpool0', 'chief'],
    ['workerpool1', 'worker'],
    ['workerpool2', 'ps'],
    ['workerpool3', 'evaluator'],
  ]),
  readsSparseCluster: false,
  example: '{"cluster": {"workerpool0": ["host0:2222"], "workerpool1": ["host1:2222"]}, "task": {"type": "workerpool0", "index": 0}}',
};

/** Job names of a dialect, in table order. */
export function jobNames(dialect: ClusterDialect): string[] {
  return [...dialect.roles.keys()];
}

/** Name of the job that holds `role` in this dialect (the first such name). */
export function jobNameOf(dialect: ClusterDialect, role: TaskType): string {
  return [...dialect.roles].find(([, r]) => r === role)?.[0] ?? role;
}

/** A dialect's job names with their roles, for messages: `"workerpool0" (chief), ... or "workerpool3" (evaluator)`. */
export function describeJobs(dialect: ClusterDialect): string {
  const names = [...dialect.roles].map(([name, role]) => (name === role ? `"${name}"` : `"${name}" (${role})`));
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
