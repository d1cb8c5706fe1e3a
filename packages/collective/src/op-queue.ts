/**
 * Runs a communicator's ops one at a time in issue order, numbering them (seq) and
 * fixing each op's deadline at call time. After an op fails the group is in an unknown
 * state, so every later op rejects with that same error; after close() ops reject at once.
 */
import { ContractViolationError, InvalidConfigError, type CollectiveCallOptions } from '@syncline/core';

/** What an op body knows about itself. `deadline` is in performance.now() milliseconds. */
export interface OpContext {
  readonly op: string;
  readonly seq: number;
  readonly deadline: number;
  readonly timeoutMs: number;
}

export class OpQueue {
  #seq = 0;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  #failed: unknown = undefined;

  constructor(
    readonly name: string,
    readonly rank: number,
    readonly defaultTimeoutMs: number,
  ) {}

  /** Next sequence number to be issued (ops issued so far). */
  get issued(): number {
    return this.#seq;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The error that broke the group, if one did. */
  get failure(): unknown {
    return this.#failed;
  }

  /** Marks the group broken (e.g. a peer died between ops); later ops reject with `e`. */
  fail(e: unknown): void {
    this.#failed ??= e;
  }

  enqueue<T>(op: string, options: CollectiveCallOptions | undefined, body: (ctx: OpContext) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new ContractViolationError('communicator', this.name, `${op} called on rank ${this.rank} after close()`));
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    if (!(timeoutMs > 0))
      return Promise.reject(new InvalidConfigError('timeoutMs', timeoutMs, 'a positive number of milliseconds', { source: `${this.name}.${op}` }));
    const ctx: OpContext = { op, seq: this.#seq++, deadline: performance.now() + timeoutMs, timeoutMs };
    const run = async (): Promise<T> => {
      if (this.#failed !== undefined) throw this.#failed;
      try {
        return await body(ctx);
      } catch (e) {
        this.fail(e);
        throw e;
      }
    };
    const p = this.#tail.then(run, run);
    this.#tail = p.catch(() => undefined);
    return p;
  }

  /** Stops new ops, waits for the queued ones to settle, then runs `release` once. */
  async close(release: () => void | Promise<void>): Promise<void> {
    if (this.#closed) return this.#tail.then(() => undefined);
    this.#closed = true;
    const done = this.#tail.then(release);
    this.#tail = done.catch(() => undefined);
    await done;
  }
}
