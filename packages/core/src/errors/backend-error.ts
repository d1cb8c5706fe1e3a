/** A compute backend (tfjs, ORT, PJRT, ...) failed; `detailCode` carries the backend's own code. */
import { SynclineError } from './syncline-error';

export class BackendError extends SynclineError {
  override readonly name = 'BackendError';
  constructor(
    readonly backend: string,
    message: string,
    options: { detailCode?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super('BACKEND_ERROR', `[${backend}] ${message}`, { retryable: options.retryable ?? false, cause: options.cause });
    this.detailCode = options.detailCode;
  }
  readonly detailCode: string | undefined;
}
