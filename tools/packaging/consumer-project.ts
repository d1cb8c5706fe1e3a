/**
 * A project outside the repository that installs Syncline the way a new user does: from
 * `npm pack` tarballs of the publishable packages, with plain npm. Used by
 * packaging.test.ts; every command it runs is printed (console.log) so CI logs show it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLISHABLE_DIRS } from './readme-blocks';

export const ROOT = join(__dirname, '..', '..');

/** What the project installs besides the tarballs: Node's types, pinned to the repo's. */
/** `name@version` of a package the monorepo has installed, so the consumer gets the same (from the shared npm cache). */
export function sameVersionSpec(name: string): string {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${version}`;
}

/** npm settings a nested npm keeps from an `npm test` parent: the shared cache and the registry. */
const KEPT_NPM_SETTINGS: readonly string[] = ['npm_config_cache', 'npm_config_registry'];

/**
 * The environment for commands run in the consumer project: the caller's, without npm's
 * own `npm_*` variables (an `npm test` parent sets npm_config_local_prefix and friends,
 * which would point a nested npm back at the repository) except the cache and registry,
 * without a TF_CONFIG that would make an example join a cluster, and without
 * onnxruntime-node's CUDA download.
 */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !KEPT_NPM_SETTINGS.includes(k.toLowerCase())) continue;
    if (['TF_CONFIG', 'CLUSTER_SPEC', 'NODE_OPTIONS', 'INIT_CWD'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false', ...extra };
}

export interface RunResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `cmd args` in `cwd`, printing the command line, its exit status and wall time. */
export function run(cmd: string, args: readonly string[], cwd: string, timeoutMs: number, env = consumerEnv()): RunResult {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const ms = Date.now() - t0;
  const how = r.error ? `failed to run (${r.error.message})` : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  console.log(`$ ${[cmd, ...args].join(' ')}   (in ${cwd}): ${how} after ${(ms / 1000).toFixed(1)} s`);
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : ''), ms };
}

/** The last `n` lines of a command's output, for failure messages. */
export function tail(r: RunResult, n = 30): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-n).join('\n');
}

export interface PackedPackage {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly string[];
}

/**
 * `npm pack` of every publishable package into `dest` (one npm call, from the repository
 * root). Packs what is built: `npm test` builds first; nothing is built here.
 * @throws Error with npm's output when packing fails
 */
export function packAll(dest: string): PackedPackage[] {
  mkdirSync(dest, { recursive: true });
  const r = run('npm', ['pack', '--json', '--pack-destination', dest, ...PUBLISHABLE_DIRS.flatMap((d) => ['-w', d])], ROOT, 120_000);
  if (r.status !== 0) throw new Error(`npm pack failed:\n${tail(r)}`);
  const packed = JSON.parse(r.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  return packed.map((p) => ({ name: p.name, filename: join(dest, p.filename), files: p.files.map((f) => f.path) }));
}

/**
 * Creates `dir` as a fresh npm project and installs `tarballs` (plus Node's types) into it
 * the way a user would: `npm install <tarballs> --no-audit --no-fund --prefer-offline`,
 * sharing the user's npm cache. Optional dependencies are installed (never --omit=optional).
 * @throws Error with npm's output when the install fails
 */
export function createConsumerProject(dir: string, tarballs: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'syncline-consumer', version: '1.0.0', private: true }, null, 2) + '\n');
  // onnxruntime-node's install script would download CUDA libraries; the CPU runtime ships inside it.
  writeFileSync(join(dir, '.npmrc'), 'onnxruntime-node-install=skip\nfund=false\naudit=false\n');
  // @types/node for the consumer type-check, tsx for running README examples straight from TypeScript
  const tools = [sameVersionSpec('@types/node'), sameVersionSpec('tsx')];
  const r = run('npm', ['install', ...tarballs, ...tools, '--no-audit', '--no-fund', '--prefer-offline'], dir, 600_000);
  if (r.status !== 0) throw new Error(`npm install of the tarballs failed:\n${tail(r, 60)}`);
  console.log(`installed into ${dir}: ${readdirSync(join(dir, 'node_modules')).length} top-level entries`);
}
