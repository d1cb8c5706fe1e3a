/**
 * Reads a cluster object into jobs by role. Each job is a list of "host:port" (the
 * dense form) or an object from task index to address (the sparse form TensorFlow's
 * ClusterSpec and Kubeflow's `sparseCluster` use). A job whose value is null counts as
 * absent (Kubeflow writes `"ps": null` when a TFJob has no parameter servers).
 *
 * 1. The cluster must be an object; every key must be a job name of the dialect.
 * 2. Two names for one role (chief and master) are refused.
 * 3. Each address is validated (see checkHostPort).
 * 4. A sparse job must list every index 0..n-1 (a collective needs every peer), unless
 *    the caller allows gaps (only to compare a sparseCluster with a dense cluster).
 */
import type { TaskType } from '../contracts/cluster-resolver';
import { childPath, configError, indexPath, isRecord, kindOf, own, suggestion } from './config-reading';
import { describeJobs, jobNames, type ClusterDialect } from './dialects';
import { checkHostPort, isAddressProblem, type HostPort } from './host-port';

/** One task of a job: its validated address and where it was written. */
export interface JobTask {
  readonly address: HostPort;
  readonly path: string;
  /** The task index (equal to the position in `tasks` unless read with allowGaps). */
  readonly index: number;
}

/** A job as read: its role, its name as written, and its tasks in index order. */
export interface JobEntry {
  readonly role: TaskType;
  readonly name: string;
  readonly path: string;
  readonly tasks: readonly JobTask[];
}

const INDEX_KEY = /^(0|[1-9][0-9]*)$/;

/** Reads `value` (found at `path`) as a cluster; throws InvalidConfigError naming the field. */
export function readJobs(value: unknown, path: string, dialect: ClusterDialect, allowGaps = false): Map<TaskType, JobEntry> {
  const { source } = dialect;
  if (!isRecord(value)) {
    throw configError(source, path, value, `an object from job name (${describeJobs(dialect)}) to a list of "host:port" addresses, not ${kindOf(value)}`);
  }
  const jobs = new Map<TaskType, JobEntry>();
  for (const name of Object.keys(value)) {
    const jobPath = childPath(path, name);
    const role = dialect.roles.get(name);
    const raw = own(value, name);
    if (role === undefined) {
      const hint = suggestion(name, jobNames(dialect));
      throw configError(source, jobPath, raw, `a job named ${describeJobs(dialect)}; there is no job "${name}"${hint ? `, did you mean "${hint}"?` : ''}`);
    }
    if (raw === null) continue;
    const previous = jobs.get(role);
    if (previous !== undefined) {
      throw configError(source, jobPath, raw, `either "${previous.name}" or "${name}", not both: both name the ${role} (keep one)`);
    }
    jobs.set(role, { role, name, path: jobPath, tasks: readTasks(raw, jobPath, source, allowGaps) });
  }
  return jobs;
}

function readTasks(raw: unknown, jobPath: string, source: string, allowGaps: boolean): JobTask[] {
  if (Array.isArray(raw)) {
    const tasks: JobTask[] = [];
    for (let i = 0; i < raw.length; i++) tasks.push(readTask(raw[i], indexPath(jobPath, i), i, source));
    return tasks;
  }
  if (!isRecord(raw)) {
    throw configError(source, jobPath, raw, `a list of "host:port" addresses (or an object from task index to address), not ${kindOf(raw)}`);
  }
  const byIndex = new Map<number, JobTask>();
  for (const key of Object.keys(raw)) {
    const taskPath = `${jobPath}[${JSON.stringify(key)}]`;
    if (!INDEX_KEY.test(key) || !Number.isSafeInteger(Number(key))) {
      throw configError(source, taskPath, own(raw, key), `a task index key: a non-negative integer written without leading zeros, not "${key}"`);
    }
    byIndex.set(Number(key), readTask(own(raw, key), taskPath, Number(key), source));
  }
  const missing: number[] = [];
  for (let i = 0; i < byIndex.size; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0 && !allowGaps) {
    const listed = [...byIndex.keys()].sort((a, b) => a - b);
    throw configError(
      source,
      jobPath,
      raw,
      `every task index from 0 to ${listed[listed.length - 1]} (missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}): ` +
        'a sparse cluster that lists only some tasks (a Kubeflow TFJob with enableDynamicWorker: true) suits ' +
        'parameter-server training only; all-reduce needs every peer, so turn enableDynamicWorker off',
    );
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
}

function readTask(raw: unknown, path: string, index: number, source: string): JobTask {
  const parsed = checkHostPort(raw);
  if (isAddressProblem(parsed)) throw configError(source, path, raw, parsed.expected);
  return { address: parsed, path, index };
}
