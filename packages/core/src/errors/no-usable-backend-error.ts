/** Every candidate failed to start; carries each candidate's failure (as onnxruntime does). */
import { SynclineError } from './syncline-error';

export class NoUsableBackendError extends SynclineError {
  override readonly name = 'NoUsableBackendError';
  constructor(
    readonly kind: string,
    readonly failures: ReadonlyArray<{ name: string; error: unknown }>,
  ) {
    super(
      'NO_USABLE_BACKEND',
      `No usable ${kind}: ` + failures.map((f) => `${f.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('; '),
    );
  }
}
