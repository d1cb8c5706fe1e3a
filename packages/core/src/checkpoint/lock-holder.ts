/**
 * Who holds a checkpoint directory: the host, pid and start time of the writing process
 * and the run id its checkpoints carry. A lock implementation writes this as JSON into a
 * holder file while it holds the lock; a refused process reads it back to name the holder.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface CheckpointLockHolder {
  readonly host: string;
  readonly pid: number;
  /** When the holding process started (ISO 8601). */
  readonly startedAt: string;
  /** The run id written into the meta.json of every checkpoint this run saves. */
  readonly runId: string;
}

/** How long a refused process waits for the holder's file to be complete (the holder writes it just after locking). */
export const HOLDER_READ_TIMEOUT_MS = 1000;
const HOLDER_READ_POLL_MS = 25;

/**
 * A fresh run id: base-36 milliseconds plus 8 random hex digits (`lxk3a9q2-1f2e3d4c`),
 * unique per run and safe in file names.
 */
export function newCheckpointRunId(now = Date.now()): string {
  return `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** This process as a holder of `runId`. */
export function checkpointLockHolder(runId: string): CheckpointLockHolder {
  return { host: hostname(), pid: process.pid, startedAt: new Date(performance.timeOrigin).toISOString(), runId };
}

/** The holder as the holder file stores it (one JSON line). */
export function formatLockHolder(holder: CheckpointLockHolder): string {
  return JSON.stringify({ host: holder.host, pid: holder.pid, startedAt: holder.startedAt, runId: holder.runId }) + '\n';
}

/** The holder in `text`, or undefined when the text is empty, partial or not a holder. */
export function parseLockHolder(text: string): CheckpointLockHolder | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { host, pid, startedAt, runId } = v as Record<string, unknown>;
  if (typeof host !== 'string' || typeof pid !== 'number' || typeof startedAt !== 'string' || typeof runId !== 'string') return undefined;
  return { host, pid, startedAt, runId };
}

/** One sentence naming the holder, for messages. */
export function describeLockHolder(holder: CheckpointLockHolder): string {
  return `pid ${holder.pid} on host ${holder.host}, started ${holder.startedAt}, run ${holder.runId}`;
}

/**
 * Reads the holder file at `path`, polling for up to `timeoutMs` while it is missing,
 * empty or partial (a holder that has just taken the lock may not have written it yet).
 * Resolves undefined when no complete holder appeared in time: never waits longer.
 */
export async function readLockHolder(path: string, timeoutMs = HOLDER_READ_TIMEOUT_MS): Promise<CheckpointLockHolder | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      /* not there yet, or already removed by a holder that just released */
    }
    const holder = parseLockHolder(text);
    if (holder || performance.now() >= deadline) return holder;
    await new Promise((r) => setTimeout(r, HOLDER_READ_POLL_MS));
  }
}
