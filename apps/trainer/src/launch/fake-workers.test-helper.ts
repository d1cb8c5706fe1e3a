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

/** Prints "ready", then on SIGTERM prints "checkpointed at step boundary" and exits 143 (as train does). */
export const GRACEFUL =
  "process.on('SIGTERM', () => { console.log('checkpointed at step boundary'); process.exit(143); }); console.log('ready'); setInterval(() => {}, 1000);";

/** Prints "ready" and ignores SIGTERM: only SIGKILL ends it. */
export const STUBBORN = "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000);";

/** Prints to both streams, then exits 3 with "Error: boom" as its last stderr line. */
export const FAILS_WITH_3 = "console.log('step 1'); console.error('warning: slow'); console.error('Error: boom'); console.error(''); process.exit(3);";

/** Polls give up after this long, so a failing test fails (its expect) rather than hangs jest. */
const POLL_LIMIT_MS = 20_000;
const POLL_EVERY_MS = 10;

async function pollUntil(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < POLL_LIMIT_MS; waited += POLL_EVERY_MS) await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
}

/** Polls until `lines` has `count` lines matching `pattern` (worker output arrives asynchronously); throws if it never does. */
export async function waitForLine(lines: readonly string[], pattern: RegExp, count = 1): Promise<void> {
  const matches = (): number => lines.filter((l) => pattern.test(l)).length;
  await pollUntil(() => matches() >= count);
  if (matches() < count) throw new Error(`expected ${count} line(s) matching ${pattern}, got: ${JSON.stringify(lines)}`);
}

/** Polls until `pid` no longer runs (a SIGKILL takes effect asynchronously), or the poll limit passes. */
export async function waitUntilGone(pid: number): Promise<void> {
  await pollUntil(() => isGone(pid));
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
