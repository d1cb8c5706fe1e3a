/**
 * Validates one cluster address, "host:port", where host is a hostname, a dotted IPv4
 * address or a bracketed IPv6 address and port is 1..65535. Each way an address can
 * be wrong has its own explanation, so the error tells the user what to write instead.
 */
import { ipv6Key, isHostname, isIPv4, MAX_HOSTNAME_LENGTH, MAX_LABEL_LENGTH } from './ip-address';

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** A parsed, valid address. */
export interface HostPort {
  /** The host as written (brackets removed for IPv6). */
  readonly host: string;
  readonly port: number;
  readonly hostKind: 'hostname' | 'ipv4' | 'ipv6';
  /** The address exactly as written. */
  readonly address: string;
  /** Case-folded host (IPv6 expanded) and port: two tasks with equal keys share a socket. */
  readonly key: string;
}

/** Why an address is invalid, phrased as what is expected instead. */
export interface AddressProblem {
  readonly expected: string;
}

const EXAMPLE = '"worker-0.example.svc:2222", "10.0.0.7:2222" or "[fd00::7]:2222"';
const PORT_RULE = `a port from ${MIN_PORT} to ${MAX_PORT}, in decimal without sign or leading zeros`;

/** Parses `address`; returns the parsed form, or the problem when it is invalid. */
export function checkHostPort(address: unknown): HostPort | AddressProblem {
  if (typeof address !== 'string') return problem(`a "host:port" string such as ${EXAMPLE}`);
  if (address === '') return problem(`a non-empty "host:port" such as ${EXAMPLE}`);
  if (/\s/.test(address)) return problem(`"host:port" without spaces or line breaks, such as ${EXAMPLE}`);
  if (address.includes('://')) {
    return problem('a bare "host:port" without a scheme such as "grpc://" (put the protocol in rpc_layer)');
  }
  if (address.includes('/')) return problem(`a bare "host:port" without a path, such as ${EXAMPLE}`);
  if (address.startsWith('[')) return checkBracketed(address);
  const colons = address.split(':').length - 1;
  if (colons === 0) return problem(`a port after the host, as "${address}:2222"`);
  if (colons > 1) return problem('an IPv6 host in brackets followed by ":port", as "[fd00::7]:2222" (without brackets the port cannot be told apart)');
  const at = address.lastIndexOf(':');
  return checkParts(address, address.slice(0, at), address.slice(at + 1), false);
}

/** True when {@link checkHostPort} found a problem. */
export function isAddressProblem(r: HostPort | AddressProblem): r is AddressProblem {
  return 'expected' in r;
}

function checkBracketed(address: string): HostPort | AddressProblem {
  const close = address.indexOf(']');
  if (close === -1) return problem('a closing "]" after the IPv6 address, as "[fd00::7]:2222"');
  const rest = address.slice(close + 1);
  if (rest === '') return problem(`a port after the bracketed IPv6 address, as "${address}:2222"`);
  if (!rest.startsWith(':')) return problem('":port" right after "]", as "[fd00::7]:2222"');
  return checkParts(address, address.slice(1, close), rest.slice(1), true);
}

function checkParts(address: string, host: string, portText: string, bracketed: boolean): HostPort | AddressProblem {
  if (host === '') return problem(`a host before ":${portText}", as "10.0.0.7:${portText}"`);
  if (!/^[1-9][0-9]{0,4}$/.test(portText) || Number(portText) > MAX_PORT) {
    return problem(`${PORT_RULE} (got "${portText}")`);
  }
  const port = Number(portText);
  if (bracketed) {
    const key = ipv6Key(host);
    if (key === undefined) return problem(`a valid IPv6 address inside the brackets, such as [::1], [fd00::7] or [::ffff:10.0.0.7] (got "${host}")`);
    return { host, port, hostKind: 'ipv6', address, key: `[${key}]:${port}` };
  }
  if (/^[0-9.]+$/.test(host)) {
    if (!isIPv4(host)) return problem(`a dotted IPv4 address of four parts 0..255 without leading zeros, such as 10.0.0.7 (got "${host}")`);
    return { host, port, hostKind: 'ipv4', address, key: `${host}:${port}` };
  }
  if (!isHostname(host)) {
    return problem(
      `a hostname made of dot-separated labels of letters, digits, "-" and "_" (each 1..${MAX_LABEL_LENGTH} ` +
        `characters, not starting or ending with "-"; at most ${MAX_HOSTNAME_LENGTH} in all), such as worker-0.example.svc`,
    );
  }
  const lower = host.toLowerCase();
  return { host, port, hostKind: 'hostname', address, key: `${lower.endsWith('.') ? lower.slice(0, -1) : lower}:${port}` };
}

function problem(expected: string): AddressProblem {
  return { expected };
}
