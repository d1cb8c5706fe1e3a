/**
 * One timer for the deadlines of a communicator's ops, which run one at a time. A
 * setTimeout per op cost about 10% of a 4 KiB op's CPU here (each distinct duration makes
 * Node build and drop a timer list); this timer is re-armed only when an op's deadline
 * comes before the armed one, and holds the process open only while an op runs.
 */
export class DeadlineTimer {
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires, and the running op's deadline (performance.now() ms). */
  #due = Infinity;
  #deadline = Infinity;

  constructor(readonly onExpired: () => void) {}

  /** An op with this deadline starts. */
  start(deadline: number): void {
    this.#deadline = deadline;
    if (this.#timer && this.#due <= deadline) this.#timer.ref();
    else this.#arm(deadline);
  }

  /** The op finished in time. */
  stop(): void {
    this.#deadline = Infinity;
    this.#timer?.unref();
  }

  /** No more ops (failure or close). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = Infinity;
    this.#deadline = Infinity;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#due = at;
    this.#timer = setTimeout(this.#fire, Math.max(0, at - performance.now()));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#due = Infinity;
    if (this.#deadline === Infinity) return;
    if (performance.now() >= this.#deadline) this.onExpired();
    else this.#arm(this.#deadline);
  };
}
