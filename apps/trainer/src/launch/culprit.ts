/**
 * Which worker of a failed launch to blame: the one whose failure came first in time, not
 * the one that happened to exit first. A rank that loses its peer often reports it before
 * the peer itself gets its own error out (the peer is still closing its communicator), so
 * a report that names another failed rank ("Lost rank 0", "ranks not yet submitted: 0",
 * the peer's address) points at the cause.
 *
 * 1. A rank failed when it printed an error line (`syncline: <Name>Error: ...`) or exited
 *    with a failure before the launcher asked it to stop; its failure time is the earlier
 *    of the two. Ranks the launcher stopped that printed no error are only "stopped".
 * 2. Start at the failed rank with the earliest failure (ties: the lower rank).
 * 3. While the current rank's error line names other failed ranks, move to the one of them
 *    that failed earliest. A rank seen twice closes a cycle: blame the member of the cycle
 *    that failed earliest.
 * 4. The rank reached is the culprit; the other failed ranks, by failure time, are listed
 *    after it; the rest were stopped.
 */
import { WorkerLostError } from '@syncline/core';
import { describeExit, type WorkerExit } from './worker-exit';

/** The stderr lines a worker's error is reported on: the CLI's `syncline: <Name>Error: ...`, or commander's `error: ...`. */
export const ERROR_LINE = /^(syncline: (?:[A-Z]\w*)?(?:Error|Exception): |error: )/;

/** The culprit of a failed launch, the other failed ranks and the ranks stopped. */
export interface Blame {
  readonly culprit: WorkerExit;
  /** Other ranks that failed (mostly victims of the culprit), by failure time. */
  readonly alsoFailed: readonly WorkerExit[];
  /** Ranks the launcher stopped that reported no error of their own, by rank. */
  readonly stopped: readonly WorkerExit[];
}

/** When `exit`'s rank showed its failure (ms on the launcher's clock), or undefined when it did not fail on its own. */
export function failedAt(exit: WorkerExit): number | undefined {
  const exitedOnItsOwn = (exit.code !== 0 || exit.signal !== null) && exit.stopped !== true;
  if (exit.errorLine === undefined && !exitedOnItsOwn) return undefined;
  const reported = exit.errorLine !== undefined ? (exit.errorAt ?? Infinity) : Infinity;
  return Math.min(reported, exitedOnItsOwn ? (exit.exitedAt ?? Infinity) : Infinity);
}

/** An address in a line, not inside a longer one (127.0.0.1:4455 is not in 127.0.0.1:44551, 1.2.3.4:80 not in 11.2.3.4:80). */
function mentions(line: string, address: string): boolean {
  for (let at = line.indexOf(address); at >= 0; at = line.indexOf(address, at + 1)) {
    if (!/[\w.-]/.test(line[at - 1] ?? '') && !/\d/.test(line[at + address.length] ?? '')) return true;
  }
  return false;
}

/** The other ranks `exit`'s error line names: "Lost rank N", "ranks not yet submitted: N, M", or their addresses. */
export function namedRanks(exit: WorkerExit, all: readonly WorkerExit[]): number[] {
  const line = exit.errorLine;
  if (line === undefined) return [];
  const named = new Set<number>();
  for (const m of line.matchAll(/\bLost rank (\d+)\b/g)) named.add(Number(m[1]));
  const pending = /\branks? not yet submitted: ([\d, ]+)/.exec(line);
  for (const n of pending?.[1]?.split(',') ?? []) if (n.trim() !== '') named.add(Number(n));
  for (const other of all) if (other.address !== undefined && mentions(line, other.address)) named.add(other.rank);
  named.delete(exit.rank);
  return [...named].filter((r) => all.some((e) => e.rank === r)).sort((a, b) => a - b);
}

interface Failed {
  readonly at: number;
  readonly exit: WorkerExit;
}

const byFailure = (a: Failed, b: Failed): number => a.at - b.at || a.exit.rank - b.exit.rank;

/**
 * Blames one rank of a failed launch (steps 1-4 above); `fallback` (the first failing exit)
 * is the culprit when no rank shows a failure of its own.
 */
export function assignBlame(exits: readonly WorkerExit[], fallback: WorkerExit): Blame {
  const failed = exits.flatMap((exit): Failed[] => {
    const at = failedAt(exit);
    return at === undefined ? [] : [{ at, exit }];
  });
  failed.sort(byFailure);
  const first = failed[0];
  if (first === undefined) return { culprit: fallback, alsoFailed: [], stopped: exits.filter((e) => e.rank !== fallback.rank) };
  let current: Failed = first;
  const path: Failed[] = [current];
  for (;;) {
    const named = new Set(namedRanks(current.exit, exits));
    const next: Failed | undefined = failed.find((f) => named.has(f.exit.rank));
    if (next === undefined) break;
    const seen = path.indexOf(next);
    if (seen >= 0) {
      current = path.slice(seen).sort(byFailure)[0]!;
      break;
    }
    path.push(next);
    current = next;
  }
  const culprit = current.exit;
  return {
    culprit,
    alsoFailed: failed.filter((f) => f.exit.rank !== culprit.rank).map((f) => f.exit),
    stopped: exits.filter((e) => e.rank !== culprit.rank && failedAt(e) === undefined),
  };
}

/** Longer last error lines are cut to this many characters in the launcher's error. */
export const MAX_ERROR_LINE_CHARS = 400;

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
