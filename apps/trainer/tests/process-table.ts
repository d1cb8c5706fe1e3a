/**
 * Reads Linux's process table (/proc) for tests that must prove no process survived:
 * the children of a pid, and every live process whose command line mentions a string
 * (a run's unique checkpoint directory catches workers and anything they started).
 */
import { readdirSync, readFileSync } from 'node:fs';

function stat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]) };
  } catch {
    return undefined; // gone
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** True while `pid` runs (not gone, not a zombie awaiting its reaper). */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** The live children of `pid`. */
export function childrenOf(pid: number): number[] {
  return pids().filter((p) => stat(p)?.ppid === pid && isAlive(p));
}

/** Live processes (other than this one) whose command line contains `text`. */
export function processesMentioning(text: string): number[] {
  return pids().filter((p) => {
    if (p === process.pid) return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text) && isAlive(p);
    } catch {
      return false;
    }
  });
}
