/** A configuration value is wrong: names the field path, the bad value and what is expected. */
import { SynclineError } from './syncline-error';

export class InvalidConfigError extends SynclineError {
  override readonly name = 'InvalidConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
    options: { source?: string; cause?: unknown } = {},
  ) {
    super('INVALID_CONFIG', `${options.source ? `${options.source}: ` : ''}${field} is ${describe(value)}; expected ${expected}`, {
      retryable: false,
      cause: options.cause,
    });
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}
