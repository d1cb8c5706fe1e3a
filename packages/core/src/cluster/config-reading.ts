/**
 * Small helpers shared by the cluster readers: own-key access that ignores prototypes,
 * readable field paths, "did you mean" hints, and InvalidConfigErrors that name the
 * field path, the bad value and what is expected.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';

/** The field name used for errors about the whole value (matches parseModelSpec). */
export const ROOT_FIELD = '(root)';

/** Largest edit distance for which a "did you mean" hint is offered. */
const MAX_SUGGESTION_DISTANCE = 2;

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj[key]` if `key` is an own property, else undefined; never reads the prototype chain. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** `parent.key`, or `parent["odd key"]` when the key is not a plain identifier. */
export function childPath(parent: string, key: string): string {
  const safe = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return parent === '' ? safe.replace(/^\./, '') : `${parent}${safe}`;
}

/** `parent[i]`. */
export function indexPath(parent: string, i: number): string {
  return `${parent}[${i}]`;
}

/** "a string", "an array", "null", ... for messages. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'object':
      return 'an object';
    case 'undefined':
      return 'missing';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return `a ${typeof v}`;
  }
}

/**
 * Builds the error. Values that JSON cannot print (functions, bigints, symbols) are
 * replaced by a short description so building the message can never throw.
 */
export function configError(source: string, field: string, value: unknown, expected: string, cause?: unknown): InvalidConfigError {
  return new InvalidConfigError(field, printable(value), expected, cause === undefined ? { source } : { source, cause });
}

function printable(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    if (JSON.stringify(value) !== undefined) return value;
  } catch {
    // fall through: not printable as JSON
  }
  return `<${kindOf(value)}>`;
}

/** The option closest to `name` (a typo, a plural, other case), or '' when none is close. */
export function suggestion(name: string, options: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const option of options) {
    const d = lower === option ? 0 : editDistance(lower, option);
    const plural = lower === `${option}s` || lower === `${option}es`;
    const score = plural ? 1 : d;
    if (score < bestDistance) {
      bestDistance = score;
      best = option;
    }
  }
  return best !== undefined && bestDistance <= MAX_SUGGESTION_DISTANCE ? best : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_SUGGESTION_DISTANCE) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Quotes a list of names: `"a", "b" or "c"`. */
export function quoteList(names: readonly string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}
