/**
 * Runs the worker processes of one `syncline launch` and keeps them together: their
 * output comes back prefixed with the rank, the first failure stops the rest, a stop
 * request (Ctrl-C / SIGTERM / SIGHUP to the launcher) reaches every worker, and no worker
 * outlives the launcher (launcher-link.ts).
 *
 * 1. Spawn every worker in its own process group (so a terminal's Ctrl-C reaches only
 *    the launcher, which decides what the workers get), stdout/stderr piped, plus the
 *    launcher link at fd 3 (named in SYNCLINE_LAUNCHER_FD): when the launcher's process
 *    ends, however it ends, the worker reads end-of-file and stops itself.
 * 2. Split each stream into lines; write `[rank N] line` to the launcher's stdout or
 *    stderr; remember each rank's last non-blank stderr line, and its last error line
 *    (`syncline: <Name>Error: ...`) with the time it arrived. With `jsonRank`, hold back
 *    that rank's latest stdout line: if it is its last and a JSON object, it is returned
 *    (unprefixed) instead of printed.
 * 3. When a worker exits with a non-zero code or a signal and no stop is under way, it is
 *    the first failure. Wait up to `failureGraceMs` for the other ranks' own errors and
 *    exits (the rank that failed first is often still closing its communicator, and its
 *    error comes after its victims'), then stop those still running (4).
 * 4. Stop: SIGTERM to every running worker (train checkpoints at the next step
 *    boundary and exits), then SIGKILL to each one's process group after `graceMs`.
 *    A second stop request sends SIGKILL at once.
 * 5. When every worker has exited, SIGKILL each worker's process group (strays its own
 *    children left behind; ignored when empty) and resolve with every exit, error lines
 *    and times included, for launchFailureError to name the culprit (culprit.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ERROR_LINE } from './culprit';
import { LAUNCHER_FD, launcherLinkEnv } from './launcher-link';
import { LineSplitter } from './line-splitter';
import { describeExit, isFailure, type SupervisorOutcome, type WorkerExit, type WorkerSpec } from './worker-exit';

/** Where prefixed worker lines and the launcher's own messages go. */
export interface SupervisorIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

export interface SupervisorOptions {
  /** Milliseconds between SIGTERM and SIGKILL when stopping workers. */
  readonly graceMs: number;
  /** The rank whose final stdout line, when a JSON object, is returned rather than printed. */
  readonly jsonRank?: number;
  /** Milliseconds to wait after the first failure for the other ranks' errors before stopping them (default DEFAULT_FAILURE_GRACE_MS). */
  readonly failureGraceMs?: number;
  /** The clock error lines and exits are timed by, ms (default performance.now). */
  readonly now?: () => number;
}

/**
 * Default wait after the first failure before the others are stopped, ms. A rank whose
 * error came first is often still closing its communicator when its peers report losing
 * it; its own error line follows within tens of ms here.
 */
export const DEFAULT_FAILURE_GRACE_MS = 2_000;

interface Running {
  readonly spec: WorkerSpec;
  readonly child: ChildProcess;
  lastErrorLine: string | undefined;
  errorLine: string | undefined;
  errorAt: number | undefined;
  heldStdout: string | undefined;
  exit: WorkerExit | undefined;
  killedAfterGrace: boolean;
}

export class WorkerSupervisor {
  readonly #workers: Running[] = [];
  #stopping = false;
  #stopSignal: NodeJS.Signals | undefined;
  #firstFailure: WorkerExit | undefined;
  #chiefJson: string | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #failureTimer: NodeJS.Timeout | undefined;
  readonly #now: () => number;
  #finish: (() => void) | undefined;

  constructor(
    private readonly specs: readonly WorkerSpec[],
    private readonly io: SupervisorIo,
    private readonly options: SupervisorOptions,
  ) {
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts every worker (step 1) and resolves when all have exited (step 5). Call once. */
  run(): Promise<SupervisorOutcome> {
    const done = new Promise<void>((resolve) => (this.#finish = resolve));
    for (const spec of this.specs) this.#start(spec);
    this.#checkDone();
    return done.then(() => this.#outcome());
  }

  /**
   * Asks every worker to stop (step 4) because the launcher got `signal`; a second call
   * kills them at once.
   */
  stop(signal: NodeJS.Signals): void {
    if (this.#stopSignal === undefined && this.#firstFailure === undefined) this.#stopSignal = signal;
    if (this.#stopping) {
      this.io.stderr(`syncline launch: ${signal} while stopping: killing the workers now (SIGKILL)`);
      this.#killAll();
      return;
    }
    this.io.stderr(`syncline launch: ${signal}: asking every worker to checkpoint and stop (SIGTERM, SIGKILL after ${this.options.graceMs / 1000} s)`);
    this.#stopAll();
  }

  #start(spec: WorkerSpec): void {
    const env = { ...spec.env, ...launcherLinkEnv(this.options.graceMs) };
    // stdin, stdout, stderr, and at LAUNCHER_FD (3) the launcher link
    const child = spawn(spec.command, [...spec.args], { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true });
    // The launcher link: never written; the launcher's end closes when its process ends, or
    // here once the worker exited (its own children may hold the worker's end, and 'close'
    // waits for every stdio stream).
    const link = child.stdio[LAUNCHER_FD];
    link?.on('error', () => undefined);
    child.once('exit', () => link?.destroy());
    const w: Running = {
      spec,
      child,
      lastErrorLine: undefined,
      errorLine: undefined,
      errorAt: undefined,
      heldStdout: undefined,
      exit: undefined,
      killedAfterGrace: false,
    };
    this.#workers.push(w);
    const prefix = `[rank ${spec.rank}] `;
    const out = new LineSplitter((line) => {
      if (spec.rank !== this.options.jsonRank) return this.io.stdout(prefix + line);
      if (w.heldStdout !== undefined) this.io.stdout(prefix + w.heldStdout);
      w.heldStdout = line;
    });
    const err = new LineSplitter((line) => {
      const trimmed = line.trim();
      if (trimmed !== '') w.lastErrorLine = trimmed;
      if (ERROR_LINE.test(trimmed)) {
        w.errorLine = trimmed;
        w.errorAt = this.#now();
      }
      this.io.stderr(prefix + line);
    });
    child.stdout?.on('data', (c: Buffer) => out.push(c)).on('end', () => out.end());
    child.stderr?.on('data', (c: Buffer) => err.push(c)).on('end', () => err.end());
    child.once('error', (e) => {
      if (child.pid === undefined) this.#exited(w, { code: null, signal: null, spawnError: e.message });
    });
    child.once('close', (code, signal) => this.#exited(w, { code, signal }));
  }

  #exited(w: Running, how: Pick<WorkerExit, 'code' | 'signal'> & { spawnError?: string }): void {
    if (w.exit !== undefined) return;
    w.exit = {
      rank: w.spec.rank,
      address: w.spec.address,
      ...how,
      lastErrorLine: w.lastErrorLine,
      killedAfterGrace: w.killedAfterGrace,
      ...(w.errorLine !== undefined ? { errorLine: w.errorLine, errorAt: w.errorAt } : {}),
      exitedAt: this.#now(),
      stopped: this.#stopping,
    };
    if (w.heldStdout !== undefined) {
      if (isJsonObject(w.heldStdout)) this.#chiefJson = w.heldStdout;
      else this.io.stdout(`[rank ${w.spec.rank}] ${w.heldStdout}`);
    }
    if (isFailure(w.exit) && !this.#stopping && this.#firstFailure === undefined) {
      this.#firstFailure = w.exit;
      const others = this.#running().length;
      this.io.stderr(`syncline launch: rank ${w.spec.rank} ${describeExit(w.exit)}` + (others ? `; stopping the other ${others} worker(s)` : ''));
      // step 3: the others' own errors first, then stop whoever is still running
      this.#failureTimer = setTimeout(() => this.#stopAll(), this.options.failureGraceMs ?? DEFAULT_FAILURE_GRACE_MS);
    }
    this.#checkDone();
  }

  #stopAll(): void {
    if (this.#failureTimer) clearTimeout(this.#failureTimer);
    this.#stopping = true;
    for (const w of this.#running()) signalProcess(w.child.pid, 'SIGTERM');
    this.#graceTimer ??= setTimeout(() => {
      for (const w of this.#running())
        this.io.stderr(`syncline launch: rank ${w.spec.rank} still running ${this.options.graceMs / 1000} s after SIGTERM: SIGKILL`);
      this.#killAll();
    }, this.options.graceMs);
  }

  #killAll(): void {
    for (const w of this.#running()) {
      w.killedAfterGrace = true;
      killGroup(w.child.pid, true);
    }
  }

  #running(): Running[] {
    return this.#workers.filter((w) => w.exit === undefined);
  }

  #checkDone(): void {
    if (this.#workers.length < this.specs.length || this.#running().length > 0) return;
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    if (this.#failureTimer) clearTimeout(this.#failureTimer);
    for (const w of this.#workers) killGroup(w.child.pid, false);
    this.#finish?.();
  }

  #outcome(): SupervisorOutcome {
    return {
      exits: this.#workers.map((w) => w.exit!).sort((a, b) => a.rank - b.rank),
      firstFailure: this.#firstFailure,
      stopSignal: this.#stopSignal,
      chiefJson: this.#chiefJson,
    };
  }
}

function signalProcess(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone (ESRCH): nothing to stop
  }
}

/**
 * SIGKILL to the worker's process group (it leads one: spawned detached); with
 * `orWorker`, to the worker itself when the group cannot be signalled.
 */
function killGroup(pid: number | undefined, orWorker: boolean): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    if (orWorker) signalProcess(pid, 'SIGKILL');
  }
}

function isJsonObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
