/**
 * What `syncline launch` knows about its workers: how each is started, how each ended,
 * and the error the launcher exits with when one of them failed.
 */
import { WorkerLostError } from '@syncline/core';
import { assignBlame } from './culprit';

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

/** Longer last error lines are cut to this many characters in the launcher's error. */
export const MAX_ERROR_LINE_CHARS = 400;

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

/** Victims' error lines are cut to this many characters in the launcher's error. */
export const MAX_VICTIM_LINE_CHARS = 200;

function cut(line: string, max: number): string {
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/**
 * The error `syncline launch` ends with when a failure stopped the job: names the rank whose
 * failure came first in time (see culprit.ts; `failure`, the first to exit, when no rank
 * reported one), its address, its exit code or signal and its error line (else its last
 * stderr line), then every other rank that failed with its error, then the ranks stopped.
 */
export function launchFailureError(failure: WorkerExit, exits: readonly WorkerExit[]): WorkerLostError {
  const { culprit, alsoFailed, stopped } = assignBlame(exits, failure);
  const own =
    culprit.errorLine !== undefined
      ? `error: ${JSON.stringify(cut(culprit.errorLine, MAX_ERROR_LINE_CHARS))}`
      : culprit.lastErrorLine !== undefined
        ? `last error line: ${JSON.stringify(cut(culprit.lastErrorLine, MAX_ERROR_LINE_CHARS))}`
        : 'nothing on stderr';
  const victims = alsoFailed.map((e) => {
    const line = e.errorLine ?? e.lastErrorLine;
    return `rank ${e.rank} ${describeExit(e)}${line === undefined ? '' : ` (${JSON.stringify(cut(line, MAX_VICTIM_LINE_CHARS))})`}`;
  });
  const also = victims.length ? `; also failed: ${victims.join('; ')}` : '';
  const rest = stopped.length ? `; stopped rank(s) ${stopped.map((e) => e.rank).join(', ')}` : '';
  return new WorkerLostError(culprit.rank, culprit.address, undefined, undefined, `worker ${describeExit(culprit)} (${own})${also}${rest}`);
}
