/**
 * Places this process in a cluster: validates the jobs against the task and computes
 * rank, world size and roles the way TensorFlow's multi_worker_util does.
 *
 * 1. The cluster has at least one task, at most one chief and at most one evaluator.
 * 2. It has at least one training task (chief or worker): ps and evaluator alone
 *    cannot train.
 * 3. No two tasks share an address (hosts compared case-insensitively, IPv6 expanded).
 * 4. The task's job is in the cluster under the same name, and its index is in range.
 *    As in TensorFlow, an evaluator may be absent from the cluster (it joins no
 *    collective and needs no address); its index must then be 0.
 * 5. Ranks count training tasks only: the chief is rank 0, worker i is rank
 *    i + (number of chiefs); ps and evaluator tasks get rank -1. worldSize is the
 *    number of training tasks. isChief: the chief, or worker 0 when there is no chief
 *    (TensorFlow's is_chief also says true for the evaluator; here the evaluator is
 *    reported by isEvaluator instead, because it must not write the training run's
 *    checkpoints).
 */
import type { TaskType } from '../contracts/cluster-resolver';
import type { ClusterSpec } from '../contracts/cluster-spec';
import { configError, quoteList } from './config-reading';
import { jobNameOf, type ClusterDialect } from './dialects';
import type { JobEntry } from './read-jobs';
import type { TaskRef } from './read-task';

/** Where this process sits: everything a ClusterResolver reports. */
export interface ClusterPlacement {
  readonly spec: ClusterSpec;
  readonly taskType: TaskType;
  readonly taskIndex: number;
  readonly rank: number;
  readonly worldSize: number;
  readonly isChief: boolean;
  readonly isEvaluator: boolean;
  readonly rankAddresses: readonly string[];
  /** This task's own address; undefined for an evaluator that the cluster does not list. */
  readonly taskAddress: string | undefined;
}

/** Role order of ClusterSpec keys (chief first, as ranks are counted). */
export const ROLE_ORDER: readonly TaskType[] = ['chief', 'worker', 'ps', 'evaluator'];

/** Validates `jobs` (read from `clusterPath`) against `task` and places the task. */
export function resolvePlacement(dialect: ClusterDialect, clusterPath: string, jobs: ReadonlyMap<TaskType, JobEntry>, task: TaskRef): ClusterPlacement {
  const { source } = dialect;
  checkShape(dialect, clusterPath, jobs);
  checkUniqueAddresses(source, jobs);
  const job = jobs.get(task.role);
  const taskAddress = checkTask(source, clusterPath, jobs, job, task);
  const chiefs = jobs.get('chief')?.tasks ?? [];
  const workers = jobs.get('worker')?.tasks ?? [];
  const training = task.role === 'chief' || task.role === 'worker';
  const rank = task.role === 'chief' ? 0 : task.role === 'worker' ? task.index + chiefs.length : -1;
  const spec: Partial<Record<TaskType, readonly string[]>> = {};
  for (const role of ROLE_ORDER) {
    const entry = jobs.get(role);
    if (entry) spec[role] = Object.freeze(entry.tasks.map((t) => t.address.address));
  }
  return {
    spec: Object.freeze(spec),
    taskType: task.role,
    taskIndex: task.index,
    rank: training ? rank : -1,
    worldSize: chiefs.length + workers.length,
    isChief: task.role === 'chief' || (task.role === 'worker' && task.index === 0 && chiefs.length === 0),
    isEvaluator: task.role === 'evaluator',
    rankAddresses: Object.freeze([...chiefs, ...workers].map((t) => t.address.address)),
    taskAddress,
  };
}

function checkShape(dialect: ClusterDialect, clusterPath: string, jobs: ReadonlyMap<TaskType, JobEntry>): void {
  const { source } = dialect;
  const chiefJob = jobNameOf(dialect, 'chief');
  const workerJob = jobNameOf(dialect, 'worker');
  const total = [...jobs.values()].reduce((n, j) => n + j.tasks.length, 0);
  if (total === 0) {
    throw configError(source, clusterPath, jobsAsWritten(jobs), `at least one task: list the training processes under "${chiefJob}" and/or "${workerJob}"`);
  }
  for (const role of ['chief', 'evaluator'] as const) {
    const job = jobs.get(role);
    if (job && job.tasks.length > 1) {
      const more = role === 'chief' ? `list the other training processes under "${workerJob}"` : 'run one evaluator';
      throw configError(
        source,
        job.path,
        job.tasks.map((t) => t.address.address),
        `at most one ${role} address (found ${job.tasks.length}): ${more}`,
      );
    }
  }
  const trainingCount = (jobs.get('chief')?.tasks.length ?? 0) + (jobs.get('worker')?.tasks.length ?? 0);
  if (trainingCount === 0) {
    const present = [...jobs.values()].filter((j) => j.tasks.length > 0).map((j) => j.name);
    throw configError(
      source,
      clusterPath,
      jobsAsWritten(jobs),
      `at least one training task (under "${chiefJob}" or "${workerJob}"); this cluster has only ${quoteList(present)}, ` +
        'which take no part in all-reduce training (Syncline runs no parameter servers)',
    );
  }
}

function checkUniqueAddresses(source: string, jobs: ReadonlyMap<TaskType, JobEntry>): void {
  const seen = new Map<string, string>();
  for (const role of ROLE_ORDER) {
    for (const t of jobs.get(role)?.tasks ?? []) {
      const first = seen.get(t.address.key);
      if (first !== undefined) {
        throw configError(
          source,
          t.path,
          t.address.address,
          `an address no other task uses (${first} is the same host:port): give each task its own port or host`,
        );
      }
      seen.set(t.address.key, t.path);
    }
  }
}

function checkTask(source: string, clusterPath: string, jobs: ReadonlyMap<TaskType, JobEntry>, job: JobEntry | undefined, task: TaskRef): string | undefined {
  if (job === undefined) {
    if (task.role === 'evaluator') {
      if (task.index !== 0) throw configError(source, task.indexPath, task.index, '0: there is at most one evaluator');
      return undefined;
    }
    const names = [...jobs.values()].map((j) => j.name);
    throw configError(
      source,
      task.typePath,
      task.name,
      `a job that ${clusterPath} lists (it has ${quoteList(names)}): add "${task.name}" to ${clusterPath} or fix the task type`,
    );
  }
  if (job.name !== task.name) {
    throw configError(source, task.typePath, task.name, `"${job.name}", the name ${clusterPath} uses for the ${job.role}: use the same name in both places`);
  }
  const n = job.tasks.length;
  if (task.index >= n) {
    const range = n === 0 ? `no index at all: ${job.path} is empty` : `an index from 0 to ${n - 1}: ${job.path} lists ${n} task${n === 1 ? '' : 's'}`;
    throw configError(source, task.indexPath, task.index, range);
  }
  return job.tasks[task.index]!.address.address;
}

function jobsAsWritten(jobs: ReadonlyMap<TaskType, JobEntry>): Record<string, string[]> {
  return Object.fromEntries([...jobs.values()].map((j) => [j.name, j.tasks.map((t) => t.address.address)]));
}
