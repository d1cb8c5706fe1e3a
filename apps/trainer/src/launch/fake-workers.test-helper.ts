/**
 * Small stand-in worker programs (node -e one-liners) for the launcher's tests: they
 * print, fail, ignore or honour SIGTERM, so process handling is tested without training.
 */
import { readFileSync } from 'node:fs';

/** `node -e <script>`: arguments after it (train ...) land in process.argv. */
export function nodeScript(script: string): { command: string; args: string[] } {
  return { command: process.execPath, args: ['-e', script] };
}

/** JS that sets `rank` from TF_CONFIG (chief first, then workers). */
export const RANK_FROM_TF_CONFIG =
  "const t = JSON.parse(process.env.TF_CONFIG || '{}'); const rank = !t.task ? -1 : t.task.type === 'chief' ? 0 : t.task.index + (t.cluster.chief ? 1 : 0);";

/** Prints "ready", then on SIGTERM prints "checkpointed at step boundary" and exits 0. */
export const GRACEFUL = "process.on('SIGTERM', () => { console.log('checkpointed at step boundary'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);";

/** Prints "ready" and ignores SIGTERM: only SIGKILL ends it. */
export const STUBBORN = "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000);";

/** Prints to both streams, then exits 3 with "Error: boom" as its last stderr line. */
export const FAILS_WITH_3 = "console.log('step 1'); console.error('warning: slow'); console.error('Error: boom'); console.error(''); process.exit(3);";

/** Polls until `lines` has a line matching `pattern` (the workers' output arrives asynchronously). */
export async function waitForLine(lines: readonly string[], pattern: RegExp, count = 1): Promise<void> {
  while (lines.filter((l) => pattern.test(l)).length < count) await new Promise((r) => setTimeout(r, 10));
}

/** Polls until `pid` no longer runs (a SIGKILL takes effect asynchronously). */
export async function waitUntilGone(pid: number): Promise<void> {
  while (!isGone(pid)) await new Promise((r) => setTimeout(r, 10));
}

/** True when `pid` no longer runs (gone, or a zombie awaiting its reaper). */
export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
