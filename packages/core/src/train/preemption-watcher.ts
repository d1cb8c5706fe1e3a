/**
 * Turns SIGTERM (and optionally SIGINT) into a preemption request: the next step's
 * all-reduce carries it to every worker, all of them stop at the same step boundary,
 * BackupAndRestore writes a checkpoint there, and fit returns with `preempted` set.
 * A second signal while stopping exits at once (exit code 128 + signal number).
 */
import type { Callback } from '../contracts/callback';
import type { FitContext } from '../contracts/fit-context';

const SIGNAL_EXIT_CODES: Record<string, number> = { SIGTERM: 143, SIGINT: 130 };

export class PreemptionWatcher implements Callback {
  #ctx: FitContext | undefined;
  #pending = false;
  #handlers: [NodeJS.Signals, () => void][] = [];
  /** The signal that asked to stop, once one did. */
  signal: NodeJS.Signals | undefined;

  constructor(
    private readonly signals: readonly NodeJS.Signals[] = ['SIGTERM'],
    private readonly log: (m: string) => void = (m) => console.warn(m),
  ) {
    for (const s of signals) {
      const h = (): void => this.#onSignal(s);
      process.on(s, h);
      this.#handlers.push([s, h]);
    }
  }

  #onSignal(s: NodeJS.Signals): void {
    if (this.signal) {
      this.log(`${s} again: exiting now`);
      process.exit(SIGNAL_EXIT_CODES[s] ?? 1);
    }
    this.signal = s;
    this.log(`${s}: stopping at the next step boundary after a checkpoint`);
    if (this.#ctx) this.#ctx.preemptRequested = true;
    else this.#pending = true;
  }

  onTrainBegin(ctx: FitContext): void {
    this.#ctx = ctx;
    if (this.#pending) ctx.preemptRequested = true;
  }

  /**
   * True once the workers agreed (through the step's all-reduce) to stop for preemption:
   * on every worker, also those that got no signal themselves.
   */
  get agreed(): boolean {
    return this.#ctx?.preempted ?? false;
  }

  /** Exit code a preempted process should end with (128 + signal). */
  get exitCode(): number {
    return this.signal ? (SIGNAL_EXIT_CODES[this.signal] ?? 1) : 0;
  }

  /** Removes the signal handlers. */
  dispose(): void {
    for (const [s, h] of this.#handlers) process.off(s, h);
    this.#handlers = [];
  }
}
