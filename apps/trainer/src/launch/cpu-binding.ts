/**
 * `syncline launch --bind-to core`: each worker process gets its own share of the
 * launcher's CPUs, as mpirun's --bind-to core does. The ring collective busy-polls its
 * sockets for a moment after each hop; unbound, the scheduler sometimes puts two workers
 * of one ring on one core, and each hop then waits for the other's time slice (TCP 4 KiB
 * all-reduce, 2 ranks on 2 cores: ~290 µs on one core against ~105 µs bound apart).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { InvalidConfigError } from '@syncline/core';
import type { WorkerSpec } from './worker-exit';

const SOURCE = 'syncline launch';
export const BIND_TO = ['none', 'core'] as const;
export type BindTo = (typeof BIND_TO)[number];

/** CPU numbers of a Linux CPU list such as "0-3,8,10-11". */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new InvalidConfigError('CPU list', text, 'comma-separated CPU numbers or ranges, as in "0-3,8"', { source: SOURCE });
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let c = from; c <= to; c++) out.push(c);
  }
  return out;
}

/** The shortest CPU list naming `cpus` (sorted ascending): [0, 1, 2, 5] is "0-2,5". */
export function formatCpuList(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length;) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(j === i ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The CPUs this process may run on (its affinity, which a container's cpuset or an outer
 * taskset narrows), from /proc/self/status; where that is unreadable, 0..n-1 for Node's
 * available parallelism.
 */
export function allowedCpus(): number[] {
  try {
    const line = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line) return parseCpuList(line[1]!);
  } catch {
    // not Linux: fall through
  }
  return Array.from({ length: availableParallelism() }, (_, i) => i);
}

/**
 * Splits `cpus` into `workers` equal, contiguous shares (the remainder stays unused, as
 * with mpirun), one per rank.
 * @throws InvalidConfigError when there are more workers than CPUs.
 */
export function planCpuBinding(workers: number, cpus: readonly number[]): number[][] {
  const each = Math.floor(cpus.length / workers);
  if (each < 1) {
    throw new InvalidConfigError(
      '--bind-to',
      'core',
      `at most ${cpus.length} worker(s), one per CPU this launcher may use (${formatCpuList(cpus)}); ` +
        `use --bind-to none to let ${workers} workers share them`,
      { source: SOURCE },
    );
  }
  return Array.from({ length: workers }, (_, r) => cpus.slice(r * each, (r + 1) * each));
}

/** Checks that taskset (util-linux) can be run, else says what to do. */
export function requireTaskset(run: (file: string, args: string[]) => unknown = (f, a) => execFileSync(f, a, { stdio: 'ignore' })): void {
  try {
    run('taskset', ['--version']);
  } catch (e) {
    throw new InvalidConfigError(
      '--bind-to',
      'core',
      `taskset (from util-linux) on the PATH to bind workers to cores (${e instanceof Error ? e.message : String(e)}); install util-linux or use --bind-to none`,
      { source: SOURCE },
    );
  }
}

/** The worker started through taskset, bound to `cpus` from its first instruction (its threads inherit the binding). */
export function bindWorker(spec: WorkerSpec, cpus: readonly number[]): WorkerSpec {
  return { ...spec, command: 'taskset', args: ['--cpu-list', formatCpuList(cpus), spec.command, ...spec.args] };
}
