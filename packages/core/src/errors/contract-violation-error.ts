/** An implementation broke a core contract (wrong name, wrong buffer size, ...). */
import { SynclineError } from './syncline-error';

export class ContractViolationError extends SynclineError {
  override readonly name = 'ContractViolationError';
  constructor(
    readonly kind: string,
    readonly key: string,
    readonly detail: string,
  ) {
    super('CONTRACT_VIOLATION', `${kind} "${key}" broke its contract: ${detail}`);
  }
}
