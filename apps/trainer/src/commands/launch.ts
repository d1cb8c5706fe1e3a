/**
 * `syncline launch`: torchrun for Syncline. Starts W local worker processes running
 * `train --strategy multi-worker`, each with its own TF_CONFIG and one fresh shared auth
 * token, prefixes their output with the rank, stops them all when one fails (naming the
 * rank whose error came first), and forwards Ctrl-C / SIGTERM / SIGHUP so they checkpoint
 * and exit. Workers also stop by themselves when the launcher dies (launcher-link.ts).
 */
import { constants as osConstants } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ContractViolationError, makeTfConfig } from '@syncline/core';
import { allowedCpus, BIND_TO, bindWorker, formatCpuList, planCpuBinding, requireTaskset, type BindTo } from '../launch/cpu-binding';
import { findFreePortRange } from '../launch/free-port-range';
import { defaultWorkerCommand, newAuthToken, planWorkers, trainFlagsOf, type WorkerCommand } from '../launch/launch-plan';
import { describeExit, stoppedCleanly } from '../launch/worker-exit';
import { launchFailureError } from '../launch/culprit';
import { WorkerSupervisor, type SupervisorIo } from '../launch/worker-supervisor';
import { ignoreBrokenOutput } from '../launch/broken-output';

/** Default seconds between SIGTERM and SIGKILL when stopping workers. */
export const DEFAULT_GRACE_SECONDS = 30;
/** Signals that make the launcher stop its workers cleanly; SIGHUP: its terminal or ssh session is gone. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** Where the launcher listens for Ctrl-C / SIGTERM / SIGHUP (`process` in the CLI). */
export interface SignalSource {
  on(event: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** What the launch command uses from the outside world; tests replace parts of it. */
export interface LaunchDeps {
  readonly io: SupervisorIo;
  /** The program that runs `train ...` (default: this CLI, see defaultWorkerCommand). */
  readonly workerCommand: () => WorkerCommand;
  readonly signals: SignalSource;
  /** Sets the launcher's exit status when it returns normally (128 + signal after a stop). */
  readonly setExitCode: (code: number) => void;
  /** The environment workers inherit. */
  readonly env: NodeJS.ProcessEnv;
  /** The CPUs the launcher may use, shared out by --bind-to core (default: its affinity). */
  readonly cpus: () => number[];
  /** Keeps the launcher running when its stdout/stderr reader is gone (default: ignoreBrokenOutput). */
  readonly keepRunningWithoutOutput: () => void;
}

const defaultDeps: LaunchDeps = {
  io: { stdout: (l) => process.stdout.write(l + '\n'), stderr: (l) => process.stderr.write(l + '\n') },
  workerCommand: defaultWorkerCommand,
  signals: process,
  setExitCode: (code) => (process.exitCode = code),
  env: process.env,
  cpus: allowedCpus,
  keepRunningWithoutOutput: () => ignoreBrokenOutput(),
};

function int(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}, got "${v}"`);
    return n;
  };
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`--grace-seconds must be a number of seconds > 0, got "${v}"`);
  return n;
}

interface LaunchFlags {
  workers: number;
  replicasPerWorker: number;
  hostIp: string;
  basePort?: number;
  chief?: boolean;
  json?: boolean;
  graceSeconds: number;
  bindTo: BindTo;
}

/**
 * Adds `launch` to the `syncline` program. Failures end in a WorkerLostError naming the
 * rank whose error came first in time, its exit code or signal and its error line, then
 * the other ranks that failed; a stop by signal (SIGINT, SIGTERM, SIGHUP) sets the exit
 * status to 128 + the signal number once every worker has exited.
 */
export function registerLaunchCommand(program: Command, deps: Partial<LaunchDeps> = {}): Command {
  const d: LaunchDeps = { ...defaultDeps, ...deps };
  return program
    .command('launch')
    .description('start W local multi-worker training processes (TF_CONFIG per rank, shared auth token), like torchrun')
    .usage('--workers <n> [options] -- train [train flags]')
    .requiredOption('--workers <n>', 'worker processes to start (one TF_CONFIG task each)', int('--workers', 1))
    .option('--replicas-per-worker <n>', 'replicas inside each worker (train --replicas)', int('--replicas-per-worker', 1), 1)
    .option('--host-ip <ip>', 'the address every worker listens on', '127.0.0.1')
    .option('--base-port <port>', 'port of rank 0; rank r uses base + r (default: free ports)', int('--base-port', 1, 65535))
    .option('--chief', 'make rank 0 a "chief" task (default: worker 0 acts as chief)')
    .option('--json', "end with rank 0's JSON result line (adds --json to the train flags)")
    .addOption(
      new Option('--bind-to <what>', 'core: give each worker its own equal share of the CPUs (as mpirun --bind-to core); none: let the OS place them')
        .choices(BIND_TO)
        .default('none'),
    )
    .addOption(new Option('--grace-seconds <s>', 'seconds between SIGTERM and SIGKILL when stopping workers').argParser(seconds).default(DEFAULT_GRACE_SECONDS))
    .argument('<command...>', '"train" and its flags, after --')
    .addHelpText('after', '\nExample:\n  syncline launch --workers 2 --replicas-per-worker 2 -- train --model cnn --epochs 1')
    .action(async (command: string[], flags: LaunchFlags) => runLaunch(command, flags, d));
}

async function runLaunch(command: string[], f: LaunchFlags, d: LaunchDeps): Promise<void> {
  const trainFlags = trainFlagsOf(command);
  d.keepRunningWithoutOutput(); // after SIGHUP its terminal is gone, and the workers still need stopping
  const json = f.json === true || trainFlags.includes('--json');
  const basePort = f.basePort ?? (await findFreePortRange(f.hostIp, f.workers));
  const tfConfigs = makeTfConfig({ workers: f.workers, hostIp: f.hostIp, basePort, chief: f.chief === true });
  const cpus = f.bindTo === 'core' ? planCpuBinding(f.workers, d.cpus()) : undefined;
  if (cpus) requireTaskset();
  const planned = planWorkers({
    tfConfigs,
    replicasPerWorker: f.replicasPerWorker,
    trainFlags,
    json,
    token: newAuthToken(),
    workerCommand: d.workerCommand(),
    env: d.env,
  });
  const specs = cpus ? planned.map((s) => bindWorker(s, cpus[s.rank]!)) : planned;
  const where = specs.map((s) => `${s.rank}=${s.address}`).join(' ');
  const bound = cpus ? `; bound to CPUs ${cpus.map((c, r) => `${r}=${formatCpuList(c)}`).join(' ')}` : '';
  const tls = trainFlags.some((flag) => flag.split('=')[0] === '--tls-cert') ? '; mutual TLS on the ring' : '';
  d.io.stderr(
    `syncline launch: ${f.workers} worker(s) x ${f.replicasPerWorker} replica(s); ranks ${where}; ${f.chief ? 'rank 0 is the chief' : 'worker 0 acts as chief'}; fresh auth token in SYNCLINE_AUTH_TOKEN${tls}${bound}`,
  );
  const supervisor = new WorkerSupervisor(specs, d.io, { graceMs: f.graceSeconds * 1000, ...(json ? { jsonRank: 0 } : {}) });
  const onSignal = (signal: NodeJS.Signals): void => supervisor.stop(signal);
  for (const s of STOP_SIGNALS) d.signals.on(s, onSignal);
  const outcome = await supervisor.run().finally(() => {
    for (const s of STOP_SIGNALS) d.signals.off(s, onSignal);
  });
  if (outcome.firstFailure !== undefined) {
    if (outcome.chiefJson !== undefined) d.io.stdout(`[rank 0] ${outcome.chiefJson}`);
    throw launchFailureError(outcome.firstFailure, outcome.exits);
  }
  if (outcome.stopSignal !== undefined) {
    const unclean = outcome.exits.filter((e) => !stoppedCleanly(e)).map((e) => `rank ${e.rank} ${describeExit(e)}`);
    d.io.stderr(
      `syncline launch: stopped by ${outcome.stopSignal}; ${unclean.length ? unclean.join(', ') : `all ${outcome.exits.length} worker(s) exited cleanly`}`,
    );
    if (outcome.chiefJson !== undefined) d.io.stdout(`[rank 0] ${outcome.chiefJson}`);
    d.setExitCode(128 + (osConstants.signals[outcome.stopSignal] ?? 0));
    return;
  }
  if (json) {
    if (outcome.chiefJson === undefined)
      throw new ContractViolationError('worker', 'rank 0', 'it exited 0 but its last stdout line is not a JSON object (train --json must end with one)');
    d.io.stdout(outcome.chiefJson);
  }
}
