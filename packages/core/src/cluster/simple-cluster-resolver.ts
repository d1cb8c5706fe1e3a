/**
 * SimpleClusterResolver: a cluster given in code, like TensorFlow's
 * SimpleClusterResolver(cluster_spec, task_type, task_id, rpc_layer, environment),
 * validated by the same rules as TF_CONFIG.
 */
import type { TaskType } from '../contracts/cluster-resolver';
import type { ClusterSpec } from '../contracts/cluster-spec';
import { configError, isRecord, kindOf, own, ROOT_FIELD } from './config-reading';
import { BaseClusterResolver } from './base-cluster-resolver';
import { TF_CONFIG_DIALECT, type ClusterDialect } from './dialects';
import { readJobs } from './read-jobs';
import { readTaskIndex, readTaskType } from './read-task';
import { resolvePlacement } from './resolve-placement';

/** Options of {@link SimpleClusterResolver}. */
export interface SimpleClusterResolverOptions {
  /** Role -> "host:port" per task ("master" is also read, as chief). */
  readonly cluster: ClusterSpec | { readonly master?: readonly string[] };
  readonly taskType: TaskType | 'master';
  readonly taskIndex: number;
  readonly rpcLayer?: string;
  readonly environment?: string;
}

/** The name errors about these options start with. */
export const SIMPLE_RESOLVER_SOURCE = 'SimpleClusterResolver options';

const DIALECT: ClusterDialect = { ...TF_CONFIG_DIALECT, source: SIMPLE_RESOLVER_SOURCE, readsSparseCluster: false };

export class SimpleClusterResolver extends BaseClusterResolver {
  readonly name = 'simple';

  /**
   * @throws InvalidConfigError ("SimpleClusterResolver options: cluster.worker[1] is ...")
   *   for the same faults TF_CONFIG can have: bad addresses, duplicates, two chiefs, no
   *   training task, a task type not in the cluster, an index out of range, ...
   */
  constructor(options: SimpleClusterResolverOptions) {
    const o: unknown = options;
    if (!isRecord(o)) throw configError(SIMPLE_RESOLVER_SOURCE, ROOT_FIELD, o, `an object {cluster, taskType, taskIndex}, not ${kindOf(o)}`);
    const cluster = own(o, 'cluster');
    if (cluster === undefined || cluster === null) {
      throw configError(SIMPLE_RESOLVER_SOURCE, 'cluster', cluster, 'an object such as {worker: ["host0:2222", "host1:2222"]}');
    }
    const jobs = readJobs(cluster, 'cluster', DIALECT);
    const { name, role } = readTaskType(own(o, 'taskType'), 'taskType', DIALECT);
    const index = readTaskIndex(own(o, 'taskIndex'), 'taskIndex', SIMPLE_RESOLVER_SOURCE);
    const placement = resolvePlacement(DIALECT, 'cluster', jobs, { name, role, index, typePath: 'taskType', indexPath: 'taskIndex' });
    super(
      {
        source: 'code',
        placement,
        rpcLayer: optional(o, 'rpcLayer'),
        environment: optional(o, 'environment'),
        trial: undefined,
        job: undefined,
      },
      'code',
    );
  }
}

function optional(o: Record<string, unknown>, key: string): string | undefined {
  const v = own(o, key);
  if (v === undefined || typeof v === 'string') return v;
  throw configError(SIMPLE_RESOLVER_SOURCE, key, v, `a string or nothing, not ${kindOf(v)}`);
}
