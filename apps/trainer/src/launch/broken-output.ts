/**
 * Keeps a process alive when the reader of its stdout or stderr goes away: the launcher's
 * terminal closed (ssh ended: writes fail with EIO), or a launched worker's launcher died
 * (EPIPE). Node reports such a failed write as an 'error' event that, unheard, ends the
 * process with an uncaught exception, before a worker's checkpoint or a launcher's
 * clean stop of its workers. The lines are lost; nobody is there to read them.
 */

const guarded = new WeakSet<NodeJS.WritableStream>();

/** Ignores write errors on `streams` (default: this process's stdout and stderr); idempotent. */
export function ignoreBrokenOutput(streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    stream.on('error', () => undefined);
  }
}
