/**
 * Spawns real `syncline train --strategy multi-worker` processes from the BUILT CLI
 * (apps/trainer/dist/cli.js), one per TF_CONFIG task, optionally inside a network
 * namespace, and watches them: output, exit code and exit time. Every process
 * spawned here is killed by `killAll` (call it in afterEach/afterAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, SAMPLE_DIR } from './helpers';

export const CLI = join(REPO, 'apps', 'trainer', 'dist', 'cli.js');

/** Throws a clear error when the CLI was not built (`npm test` builds before jest runs). */
export function requireBuiltCli(): string {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: these tests run the built CLI. Build first: \`npx nx run-many -t build\` (npm test does).`);
  }
  return CLI;
}

/** A tiny MLP spec (784-16-10, adam): fast steps, same code paths as the presets. */
export function writeSpec(dir: string, hidden = 16): string {
  const file = join(dir, `mlp-${hidden}.json`);
  const spec = {
    name: `mlp-${hidden}`,
    inputShape: [784],
    layers: [
      { type: 'dense', units: hidden, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
    optimizer: { name: 'adam' },
    loss: 'sparseCategoricalCrossentropy',
  };
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** Train flags shared by every run of a test (the sample data, JSON result line). */
export function trainArgs(extra: readonly string[]): string[] {
  return ['train', '--data', SAMPLE_DIR, '--json', ...extra];
}

export function tfConfig(addresses: readonly string[], index: number): string {
  return JSON.stringify({ cluster: { worker: addresses }, task: { type: 'worker', index } });
}

/** `n` loopback addresses on ports that were free a moment ago. */
export async function loopbackAddresses(n: number): Promise<string[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const out = servers.map((s) => `127.0.0.1:${(s.address() as { port: number }).port}`);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return out;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  readonly at: number;
}

export interface Proc {
  readonly child: ChildProcess;
  readonly label: string;
  stdout: string;
  stderr: string;
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  /** performance.now() when the process first printed a `syncline: <Name>Error:` line. */
  errorAt: number | undefined;
}

const live = new Set<Proc>();
const ERROR_LINE = /^syncline: \w+Error: /m;

export function spawnCli(label: string, args: readonly string[], env: Record<string, string>, netns?: string): Proc {
  const [cmd, argv] = netns ? ['ip', ['netns', 'exec', netns, process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  const child = spawn(cmd as string, argv as string[], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = {
    child,
    label,
    stdout: '',
    stderr: '',
    exit: undefined,
    errorAt: undefined,
    exited: new Promise<Exit>((resolve) => {
      child.on('exit', (code, signal) => {
        p.exit = { code, signal, at: performance.now() };
        live.delete(p);
        resolve(p.exit);
      });
    }),
  };
  child.stdout!.on('data', (d: Buffer) => (p.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    p.stderr += d.toString();
    if (p.errorAt === undefined && ERROR_LINE.test(p.stderr)) p.errorAt = performance.now();
  });
  live.add(p);
  return p;
}

export interface WorkerRun {
  readonly addresses: readonly string[];
  readonly token: string | ((rank: number) => string);
  readonly args: readonly string[];
  /** Network namespace of each rank (multi-host tests). */
  readonly netns?: readonly string[];
}

/** Starts one worker process per address, rank = index. */
export function startWorkers(run: WorkerRun): Proc[] {
  return run.addresses.map((_, rank) =>
    spawnCli(
      `rank ${rank}`,
      trainArgs(['--strategy', 'multi-worker', '--replicas', '1', ...run.args]),
      { TF_CONFIG: tfConfig(run.addresses, rank), SYNCLINE_AUTH_TOKEN: typeof run.token === 'string' ? run.token : run.token(rank) },
      run.netns?.[rank],
    ),
  );
}

/** The JSON result line a run printed last (throws with the process's stderr if none). */
export function result(p: Proc): Record<string, unknown> {
  const lines = p.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`${p.label} printed no JSON result (exit ${JSON.stringify(p.exit)}); stderr:\n${p.stderr.slice(-3000)}`);
  }
}

/** Waits for every process and returns their results; throws with stderr if one failed. */
export async function finishOk(procs: readonly Proc[]): Promise<Record<string, unknown>[]> {
  const exits = await Promise.all(procs.map((p) => p.exited));
  exits.forEach((e, i) => {
    if (e.code !== 0) throw new Error(`${procs[i]!.label} exited ${e.code ?? e.signal}; stderr:\n${procs[i]!.stderr.slice(-3000)}`);
  });
  return procs.map(result);
}

/** The last `syncline: <Name>Error: ...` line a failed process printed. */
export function errorLine(p: Proc): string {
  const lines = p.stderr.split('\n').filter((l) => /^syncline: \w+Error: /.test(l));
  return lines[lines.length - 1] ?? `(no error line; stderr tail: ${p.stderr.slice(-1500)})`;
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs: number, everyMs = 10): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Kills (SIGKILL) every process spawned here that is still running. */
export async function killAll(): Promise<void> {
  const procs = [...live];
  for (const p of procs) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
}
