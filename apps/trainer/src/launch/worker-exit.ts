/**
 * What `syncline launch` knows about its workers: how each is started, how each ended,
 * and how an exit reads (the error the launcher exits with is built in culprit.ts).
 */

/** One worker process to start. */
export interface WorkerSpec {
  readonly rank: number;
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment of the child (TF_CONFIG and SYNCLINE_AUTH_TOKEN included). */
  readonly env: NodeJS.ProcessEnv;
  /** The worker's "host:port" in TF_CONFIG, for messages. */
  readonly address?: string;
}

/** How one worker ended. */
export interface WorkerExit {
  readonly rank: number;
  readonly address: string | undefined;
  /** Exit code, or null when a signal ended it or it never started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Its last non-blank stderr line. */
  readonly lastErrorLine: string | undefined;
  /** Why it could not be started (spawn error), if so. */
  readonly spawnError?: string;
  /** True when the launcher had to SIGKILL it. */
  readonly killedAfterGrace: boolean;
  /** Its last error line (`syncline: <Name>Error: ...`, see culprit.ts ERROR_LINE), if it printed one. */
  readonly errorLine?: string;
  /** When that line reached the launcher (ms, the launcher's monotonic clock). */
  readonly errorAt?: number;
  /** When it exited (ms, the same clock). */
  readonly exitedAt?: number;
  /** True when the launcher had asked it to stop (SIGTERM or SIGKILL) before it exited. */
  readonly stopped?: boolean;
}

/** Everything a launch ends with. */
export interface SupervisorOutcome {
  /** One entry per worker, by rank. */
  readonly exits: readonly WorkerExit[];
  /** The first worker to exit with a failure, which made the launcher stop the others, if any (launchFailureError names the culprit). */
  readonly firstFailure: WorkerExit | undefined;
  /** The signal the launcher got that stopped the workers (before any failure), if any. */
  readonly stopSignal: NodeJS.Signals | undefined;
  /** The JSON rank's final stdout line when it is a JSON object (`--json`). */
  readonly chiefJson: string | undefined;
}

/** "exited with code 3" / "was killed by SIGKILL" / "could not start: ...". */
export function describeExit(exit: WorkerExit): string {
  if (exit.spawnError !== undefined) return `could not start: ${exit.spawnError}`;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/** True when the worker did not end with exit code 0. */
export function isFailure(exit: WorkerExit): boolean {
  return exit.code !== 0 || exit.signal !== null;
}

/** The exit code `syncline train` uses after checkpointing on SIGTERM (128 + 15, as a shell reports it). */
export const PREEMPTED_EXIT_CODE = 143;

/** True for a worker that, asked to stop, exited 0 or with train's preempted code (checkpoint written). */
export function stoppedCleanly(exit: WorkerExit): boolean {
  return exit.signal === null && (exit.code === 0 || exit.code === PREEMPTED_EXIT_CODE);
}
