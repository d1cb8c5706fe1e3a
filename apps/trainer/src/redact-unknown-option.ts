/**
 * Keeps values out of commander's unknown-option errors. Commander repeats an unknown
 * option exactly as typed, so a natural guess such as `--auth-token=SECRET` would print the
 * secret (and, through `syncline launch`, copy it into the launcher's log). The value of an
 * unknown option is never shown, whatever its name: `--auth-token=SECRET` becomes
 * `--auth-token`, `-pSECRET` becomes `-p`. An option whose name looks like a secret gets a
 * hint to pass it through a file instead.
 */
import { CommanderError } from 'commander';

const PREFIX = "error: unknown option '";
const SECRET_NAME = /token|secret|passw|key|credential|auth/i;

/** `--name=value` -> `--name`, `-xvalue` -> `-x`; undefined when there is no value to hide. */
function optionWithoutValue(flag: string): string | undefined {
  if (flag.startsWith('--')) {
    const eq = flag.indexOf('=');
    return eq < 0 ? undefined : flag.slice(0, eq);
  }
  return flag.length > 2 ? flag.slice(0, 2) : undefined;
}

/**
 * Rewrites commander's `error: unknown option '<flag>'` so it names the option without its
 * value; any other message is returned unchanged.
 */
export function redactUnknownOption(message: string): string {
  if (!message.startsWith(PREFIX)) return message;
  const lineEnd = message.indexOf('\n');
  const first = lineEnd < 0 ? message : message.slice(0, lineEnd);
  const rest = lineEnd < 0 ? '' : message.slice(lineEnd);
  const quoted = first.slice(PREFIX.length);
  const flag = quoted.endsWith("'") ? quoted.slice(0, -1) : quoted;
  const name = optionWithoutValue(flag);
  if (name === undefined) return message;
  const hint = SECRET_NAME.test(name)
    ? '; never put a secret on the command line: train reads the ring token from --auth-token-file <path> or SYNCLINE_AUTH_TOKEN'
    : '';
  return `${PREFIX}${name}' (its value is not shown)${hint}${rest}`;
}

/** The same CommanderError with its message redacted (for exitOverride). */
export function redactCommanderError(e: CommanderError): CommanderError {
  const message = redactUnknownOption(e.message);
  return message === e.message ? e : new CommanderError(e.exitCode, e.code, message);
}
