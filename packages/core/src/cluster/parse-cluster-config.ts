/**
 * Parses a whole TF_CONFIG or CLUSTER_SPEC value (JSON text or an object) into a
 * placement plus the informational keys, as TensorFlow's TFConfigClusterResolver reads
 * TF_CONFIG:
 *
 * 1. Text must be JSON; the value must be an object.
 * 2. Keys other than cluster, sparseCluster, task, rpc_layer and environment are
 *    tolerated and kept as they are (AI Platform's `job`, Vertex AI's `job`, ...); so are
 *    task keys other than type and index (`trial`, `cloud`).
 * 3. No cluster, no sparseCluster and no task (TF_CONFIG='{}', as TensorFlow treats
 *    it): a single machine, no placement.
 * 4. Otherwise both a cluster (or, in TF_CONFIG, Kubeflow's sparseCluster) and a task
 *    are required. When cluster and sparseCluster are both given, cluster is used and
 *    every sparseCluster entry must agree with it.
 * 5. The jobs and the task are validated and placed (see resolvePlacement).
 */
import type { TaskType } from '../contracts/cluster-resolver';
import { configError, isRecord, kindOf, own, ROOT_FIELD } from './config-reading';
import { jobNameOf, type ClusterDialect } from './dialects';
import { readJobs, type JobEntry } from './read-jobs';
import { readTaskIndex, readTaskType } from './read-task';
import { resolvePlacement, type ClusterPlacement } from './resolve-placement';

/** The outcome of parsing: a placement (absent for a single machine) and the extras. */
export interface ParsedClusterConfig {
  readonly source: string;
  readonly placement: ClusterPlacement | undefined;
  readonly rpcLayer: string | undefined;
  readonly environment: string | undefined;
  readonly trial: string | undefined;
  readonly job: unknown;
}

/** Parses `input` (JSON text or an already parsed value); throws InvalidConfigError. */
export function parseClusterConfig(input: unknown, dialect: ClusterDialect): ParsedClusterConfig {
  const { source } = dialect;
  const root = typeof input === 'string' ? parseJson(input, dialect) : input;
  if (!isRecord(root)) {
    throw configError(source, ROOT_FIELD, root, `a JSON object such as ${dialect.example}, not ${kindOf(root)}`);
  }
  const rpcLayer = optionalString(root, 'rpc_layer', source, 'a protocol name string such as "grpc"');
  const environment = optionalString(root, 'environment', source, 'a string such as "cloud"');
  const job = own(root, 'job');
  const cluster = present(own(root, 'cluster'));
  const sparse = dialect.readsSparseCluster ? present(own(root, 'sparseCluster')) : undefined;
  const task = present(own(root, 'task'));
  if (cluster === undefined && sparse === undefined && task === undefined) {
    return { source, placement: undefined, rpcLayer, environment, trial: undefined, job };
  }
  if (task === undefined) {
    throw configError(
      source,
      'task',
      undefined,
      `an object naming this process, such as {"type": "${jobNameOf(dialect, 'worker')}", "index": 0}, next to "cluster"`,
    );
  }
  if (cluster === undefined && sparse === undefined) {
    throw configError(source, 'cluster', undefined, `an object listing every task's "host:port" by job, as in ${dialect.example}`);
  }
  const clusterPath = cluster !== undefined ? 'cluster' : 'sparseCluster';
  const jobs = readJobs(cluster ?? sparse, clusterPath, dialect);
  if (cluster !== undefined && sparse !== undefined) checkSparseAgrees(readJobs(sparse, 'sparseCluster', dialect, true), jobs, source);
  if (!isRecord(task)) {
    throw configError(source, 'task', task, `an object such as {"type": "${jobNameOf(dialect, 'worker')}", "index": 0}, not ${kindOf(task)}`);
  }
  const type = own(task, 'type');
  const { name, role } = readTaskType(type, 'task.type', dialect);
  const index = readTaskIndex(own(task, 'index'), 'task.index', source);
  const placement = resolvePlacement(dialect, clusterPath, jobs, { name, role, index, typePath: 'task.type', indexPath: 'task.index' });
  const trialValue = own(task, 'trial');
  const trial = typeof trialValue === 'string' || typeof trialValue === 'number' ? String(trialValue) : undefined;
  return { source, placement, rpcLayer, environment, trial, job };
}

function parseJson(text: string, dialect: ClusterDialect): unknown {
  if (text.trim() === '') {
    throw configError(dialect.source, ROOT_FIELD, text, `JSON text such as ${dialect.example} (or leave ${dialect.source} unset for a single machine)`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw configError(dialect.source, ROOT_FIELD, text, `valid JSON such as ${dialect.example} (JSON.parse: ${reason})`, e);
  }
}

/** null counts as absent, as Kubeflow's Go structs write absent fields as null. */
function present(v: unknown): unknown {
  return v === null ? undefined : v;
}

function optionalString(root: Record<string, unknown>, key: string, source: string, expected: string): string | undefined {
  const v = present(own(root, key));
  if (v === undefined || typeof v === 'string') return v;
  throw configError(source, key, v, `${expected}, or no "${key}" key, not ${kindOf(v)}`);
}

function checkSparseAgrees(sparse: Map<TaskType, JobEntry>, dense: Map<TaskType, JobEntry>, source: string): void {
  for (const [role, job] of sparse) {
    const denseJob = dense.get(role);
    job.tasks.forEach((t) => {
      const denseAddress = denseJob?.tasks[t.index]?.address.address;
      if (denseAddress !== t.address.address) {
        throw configError(
          source,
          t.path,
          t.address.address,
          `the same address as cluster (which has ${denseAddress === undefined ? 'no such task' : `"${denseAddress}"`}), or no sparseCluster at all`,
        );
      }
    });
  }
}
