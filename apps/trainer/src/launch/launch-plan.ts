/**
 * Turns `syncline launch` options into the worker processes to start: which program,
 * which arguments (`train --strategy multi-worker --replicas R <train flags>`), and
 * each rank's environment (its own TF_CONFIG, the shared fresh auth token).
 */
import { randomBytes } from 'node:crypto';
import { InvalidConfigError, TFConfigClusterResolver, TF_CONFIG_ENV, type TfConfig } from '@syncline/core';
import type { WorkerSpec } from './worker-exit';

/** The environment variable the collective reads the shared secret from. */
export const AUTH_TOKEN_ENV = 'SYNCLINE_AUTH_TOKEN';
/** Bytes of randomness in a launch's auth token (hex-encoded: twice as many characters). */
export const AUTH_TOKEN_BYTES = 32;
const SOURCE = 'syncline launch';

/** The program and leading arguments that run this CLI (before `train ...`). */
export interface WorkerCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * This CLI as it runs now: the same node binary, its loader flags (e.g. tsx's, minus
 * debugger flags, whose ports would clash) and its own entry file.
 */
export function defaultWorkerCommand(): WorkerCommand {
  const entry = process.argv[1];
  if (entry === undefined) throw new InvalidConfigError('process.argv[1]', entry, 'the path of the syncline CLI entry file', { source: SOURCE });
  return { command: process.execPath, args: [...process.execArgv.filter((a) => !a.startsWith('--inspect')), entry] };
}

/** A fresh shared secret for one launch: 32 random bytes as hex. Never print it. */
export function newAuthToken(): string {
  return randomBytes(AUTH_TOKEN_BYTES).toString('hex');
}

/**
 * Checks what follows `--`: it must be `train` and its flags, without the flags the
 * launcher sets itself. Returns the train flags.
 * @throws InvalidConfigError naming the offending argument and what to do.
 */
export function trainFlagsOf(command: readonly string[]): string[] {
  const [name, ...flags] = command;
  if (name !== 'train') {
    throw new InvalidConfigError(
      'the command after --',
      name ?? null,
      '"train" followed by train flags, as in: syncline launch --workers 2 -- train --epochs 1',
      { source: SOURCE },
    );
  }
  flags.forEach((flag, i) => {
    const [key, inline] = flag.split('=', 2);
    if (key === '--replicas') {
      throw new InvalidConfigError(
        'train flag --replicas',
        inline ?? flags[i + 1],
        'no --replicas after --: set replicas per worker with launch --replicas-per-worker',
        { source: SOURCE },
      );
    }
    if (key === '--auth-token-file') {
      throw new InvalidConfigError(
        'train flag --auth-token-file',
        inline ?? flags[i + 1],
        'no --auth-token-file after --: launch gives its workers a fresh 32-byte token of its own (SYNCLINE_AUTH_TOKEN)',
        { source: SOURCE },
      );
    }
    const strategy = inline ?? flags[i + 1];
    if (key === '--strategy' && strategy !== 'multi-worker') {
      throw new InvalidConfigError(
        'train flag --strategy',
        strategy,
        '"multi-worker" or no --strategy: launched workers always run the multi-worker strategy',
        { source: SOURCE },
      );
    }
  });
  return flags;
}

export interface WorkerPlanInput {
  /** One TF_CONFIG per rank (makeTfConfig's result). */
  readonly tfConfigs: readonly TfConfig[];
  readonly replicasPerWorker: number;
  /** Train flags (after `train`). */
  readonly trainFlags: readonly string[];
  /** Add `--json` to the train flags when they lack it. */
  readonly json: boolean;
  readonly token: string;
  readonly workerCommand: WorkerCommand;
  /** The environment the workers inherit. */
  readonly env: NodeJS.ProcessEnv;
}

/** One WorkerSpec per TF_CONFIG, in rank order (each TF_CONFIG is resolved to find its rank). */
export function planWorkers(p: WorkerPlanInput): WorkerSpec[] {
  const json = p.json && !p.trainFlags.includes('--json') ? ['--json'] : [];
  const args = [...p.workerCommand.args, 'train', '--strategy', 'multi-worker', '--replicas', String(p.replicasPerWorker), ...p.trainFlags, ...json];
  const specs = p.tfConfigs.map((tfConfig): WorkerSpec => {
    const resolved = TFConfigClusterResolver.fromObject(tfConfig);
    return {
      rank: resolved.rank,
      command: p.workerCommand.command,
      args,
      env: { ...p.env, [TF_CONFIG_ENV]: JSON.stringify(tfConfig), [AUTH_TOKEN_ENV]: p.token },
      ...(resolved.taskAddress === undefined ? {} : { address: resolved.taskAddress }),
    };
  });
  return specs.sort((a, b) => a.rank - b.rank);
}
