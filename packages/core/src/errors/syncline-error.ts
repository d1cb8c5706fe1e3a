/**
 * The base of every error Syncline throws. Errors are matched by `code`, never by
 * message text; `retryable` says whether retrying the step can help (Horovod-style)
 * or whether the input must be fixed first.
 */
/** Every error code, once: the union type and the runtime check below both come from it. */
const SYNCLINE_ERROR_CODES = [
  'INVALID_CONFIG',
  'NOT_REGISTERED',
  'DUPLICATE_REGISTRATION',
  'CONTRACT_VIOLATION',
  'UNSUPPORTED_OPERATION',
  'SHARD_MISMATCH',
  'COLLECTIVE_TIMEOUT',
  'WORKER_LOST',
  'AUTH_FAILED',
  'CLUSTER_MISMATCH',
  'ADDRESS_IN_USE',
  'PROTOCOL_ERROR',
  'DATA_ERROR',
  'SHAPE_MISMATCH',
  'NO_USABLE_BACKEND',
  'CHECKPOINT_ERROR',
  'CHECKPOINT_DIR_LOCKED',
  'BACKEND_ERROR',
  'CONFIG_MISMATCH',
  'INTEGRITY_ERROR',
  'REPLICA_DIVERGENCE',
  'OUTPUT_PATH',
  'REPORT_ERROR',
] as const;

export type SynclineErrorCode = (typeof SYNCLINE_ERROR_CODES)[number];

/** Brand that survives duplicate copies of this package in one process. */
const BRAND = Symbol.for('syncline.error');

export class SynclineError extends Error {
  override readonly name: string = 'SynclineError';
  readonly code: SynclineErrorCode;
  readonly retryable: boolean;

  constructor(code: SynclineErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }
}

const CODES: ReadonlySet<string> = new Set<string>(SYNCLINE_ERROR_CODES);

/**
 * True for any SynclineError, including one made by another copy of this package
 * (checked by brand, or by a known `code` plus an `...Error` name), so `instanceof`
 * across duplicate installs is never needed.
 */
export function isSynclineError(e: unknown): e is SynclineError {
  if (e instanceof SynclineError) return true;
  if (typeof e !== 'object' || e === null) return false;
  if ((e as Record<symbol, unknown>)[BRAND] === true) return true;
  const { code, name } = e as { code?: unknown; name?: unknown };
  return typeof code === 'string' && CODES.has(code) && typeof name === 'string' && name.endsWith('Error');
}
