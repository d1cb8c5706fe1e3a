/**
 * What a report records about how a run was started: the command line, every flag, the
 * model, seed, placement ("2 replicas on 1 worker") and the git commit of the working
 * directory when there is one.
 */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import type { ModelSpec } from '@syncline/core';
import { summarizeModel, type ModelSummary } from './model-summary';

/** How long `git rev-parse HEAD` may take before the report records no commit. */
const GIT_TIMEOUT_MS = 5_000;

export interface RunInfo {
  /** The command as typed, e.g. "syncline train --epochs 3". */
  readonly command: string;
  readonly cwd: string;
  /** Every train flag after defaults, keyed by its flag name ("--global-batch"). */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly model: ModelSummary;
  readonly seed: number;
  readonly strategy: string;
  readonly backend: string;
  /** Replicas in sync across all workers. */
  readonly replicas: number;
  /** Worker processes (1 unless multi-worker). */
  readonly workers: number;
  /** What a replica is: "threads", "processes" or "PJRT devices". */
  readonly replicaKind: string;
  /** Commit of the working directory's git repository, when it is one. */
  readonly gitCommit?: string;
}

/** "2 replicas on 1 worker (threads)", "8 replicas on 2 workers (4 per worker, processes)". */
export function describePlacement(info: Pick<RunInfo, 'replicas' | 'workers' | 'replicaKind'>): string {
  const { replicas, workers, replicaKind } = info;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  const per = workers > 1 ? `${replicas / workers} per worker, ` : '';
  return `${plural(replicas, 'replica')} on ${plural(workers, 'worker')} (${per}${replicaKind})`;
}

const SAFE_ARG = /^[\w@%+=:,./-]+$/;
const quote = (a: string): string => (SAFE_ARG.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** The command line of this process as a shell would take it; the CLI script is written "syncline". */
export function commandLine(argv: readonly string[] = process.argv): string {
  const [node = 'node', script, ...args] = argv;
  const isCli = script !== undefined && /^(syncline(\.c?js)?|cli\.js)$/.test(basename(script));
  const head = isCli ? ['syncline'] : [basename(node), ...(script === undefined ? [] : [script])];
  return [...head, ...args].map(quote).join(' ');
}

/** The commit checked out in `cwd`, or undefined outside a git repository (or without git). */
export function gitCommit(cwd: string = process.cwd()): string | undefined {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
  const out = r.status === 0 ? r.stdout.trim() : '';
  return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
}

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `{ globalBatch: 64 }` as `{ '--global-batch': 64 }`; a group of options (`tls: { certFile }`)
 * as one row per field (`--tls.cert-file`); undefined values and empty groups are left out.
 */
export function flagsOf(options: Readonly<Record<string, unknown>>, skip: readonly string[] = []): Record<string, unknown> {
  const rows: [string, unknown][] = [];
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || skip.includes(k)) continue;
    if (!isPlainObject(v)) rows.push([`--${kebab(k)}`, v]);
    else for (const [ck, cv] of Object.entries(v)) if (cv !== undefined) rows.push([`--${kebab(k)}.${kebab(ck)}`, cv]);
  }
  return Object.fromEntries(rows);
}

/** Flags that are bookkeeping, not settings, and stay out of the report. */
const INTERNAL_OPTIONS = ['replicasGiven'];

/** Everything RunInfo holds, gathered from this process (argv, cwd, git) and what `syncline train` resolved. */
export function buildRunInfo(p: {
  readonly options: Readonly<Record<string, unknown>>;
  readonly spec: ModelSpec;
  /** The --model value, naming a spec that has no name. */
  readonly modelFlag: string;
  readonly seed: number;
  readonly strategy: string;
  readonly backend: string;
  readonly replicas: number;
  readonly workers: number;
  readonly replicaKind: string;
}): RunInfo {
  const cwd = process.cwd();
  const commit = gitCommit(cwd);
  return {
    command: commandLine(),
    cwd,
    flags: flagsOf(p.options, INTERNAL_OPTIONS),
    model: summarizeModel(p.spec, p.modelFlag),
    seed: p.seed,
    strategy: p.strategy,
    backend: p.backend,
    replicas: p.replicas,
    workers: p.workers,
    replicaKind: p.replicaKind,
    ...(commit ? { gitCommit: commit } : {}),
  };
}
