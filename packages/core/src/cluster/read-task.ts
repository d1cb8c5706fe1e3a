/**
 * Reads which task this process is: a job name (task.type) and an index (task.index).
 * As TensorFlow does (`int(task["index"])`), an index may be a JSON number or a decimal
 * string ("1"); unlike Python's int(), fractions, booleans and signs are refused.
 */
import type { TaskType } from '../contracts/cluster-resolver';
import { configError, kindOf, quoteList, suggestion } from './config-reading';
import { jobNames, type ClusterDialect } from './dialects';

/** This process's task as written, with the paths errors should name. */
export interface TaskRef {
  /** The job name as written ("master", "workerpool1", ...). */
  readonly name: string;
  readonly role: TaskType;
  readonly index: number;
  readonly typePath: string;
  readonly indexPath: string;
}

const DECIMAL_INDEX = /^(0|[1-9][0-9]*)$/;

/** Reads a task type (a job name of the dialect). */
export function readTaskType(value: unknown, path: string, dialect: ClusterDialect): { name: string; role: TaskType } {
  const names = jobNames(dialect);
  if (typeof value !== 'string') {
    throw configError(dialect.source, path, value, `a job name string, one of ${quoteList(names)}, not ${kindOf(value)}`);
  }
  const role = dialect.roles.get(value);
  if (role === undefined) {
    const close = suggestion(value, names);
    const lowerHint = dialect.roles.has(value.toLowerCase()) ? ' (job names are lower case)' : close ? ` (did you mean "${close}"?)` : '';
    throw configError(dialect.source, path, value, `one of ${quoteList(names)}${lowerHint}`);
  }
  return { name: value, role };
}

/** Reads a task index: a non-negative integer (number or decimal string). */
export function readTaskIndex(value: unknown, path: string, source: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value === 0 ? 0 : value; // -0 -> 0
  if (typeof value === 'string' && DECIMAL_INDEX.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw configError(source, path, value, `a non-negative integer task index (0, 1, 2, ...), not ${indexFault(value)}`);
}

function indexFault(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'a non-finite number';
    if (value < 0) return 'a negative number';
    if (!Number.isInteger(value)) return 'a fraction';
    return 'a number beyond 2^53';
  }
  if (typeof value === 'string') return 'a string other than plain decimal digits';
  return kindOf(value);
}
