/** The injectable logger backend-tfjs reports through (which tfjs backend it picked, and why). */

export interface TfjsLogger {
  info(message: string): void;
  warn(message: string): void;
}

const PREFIX = '[syncline:tfjs]';

/** Writes to stderr, so a CLI's `--json` stdout stays clean. */
export const stderrLogger: TfjsLogger = {
  info: (message) => process.stderr.write(`${PREFIX} ${message}\n`),
  warn: (message) => process.stderr.write(`${PREFIX} warning: ${message}\n`),
};

/** Discards everything (for tests that assert nothing about logs). */
export const silentLogger: TfjsLogger = { info: () => undefined, warn: () => undefined };
