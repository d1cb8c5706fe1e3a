/**
 * Pure checks for the host part of a cluster address: dotted IPv4, IPv6 (with an
 * optional zone), and DNS hostnames. No lookups: nothing here touches the network.
 */

const IPV4_PARTS = 4;
const IPV4_MAX_OCTET = 255;
const IPV6_GROUPS = 8;
const IPV6_GROUP_MAX_HEX_DIGITS = 4;
/** RFC 1035: a name is at most 253 characters written without the trailing dot. */
export const MAX_HOSTNAME_LENGTH = 253;
/** RFC 1035: a label is 1..63 characters. */
export const MAX_LABEL_LENGTH = 63;

/**
 * True for a dotted-quad IPv4 address: four decimal parts 0..255, no leading zeros
 * (which some resolvers read as octal, so "010.0.0.1" is refused as ambiguous).
 */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== IPV4_PARTS) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= IPV4_MAX_OCTET);
}

/**
 * Parses an IPv6 address (RFC 4291 text forms: full, "::"-compressed, trailing dotted
 * IPv4, optional "%zone") into a canonical key: eight lower-case hex groups plus the
 * zone, so "[::1]" and "[0:0:0:0:0:0:0:1]" compare equal. Undefined when invalid.
 */
export function ipv6Key(s: string): string | undefined {
  const [addr, zone, ...rest] = s.split('%');
  if (addr === undefined || rest.length > 0) return undefined;
  if (zone !== undefined && !/^[A-Za-z0-9_.~-]+$/.test(zone)) return undefined;
  const halves = addr.split('::');
  if (halves.length > 2) return undefined;
  const head = readGroups(halves[0]!);
  const tail = halves.length === 2 ? readGroups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  // A dotted IPv4 tail is allowed only as the very last piece, never just before "::".
  const all = [...head, ...tail];
  const dottedAt = all.findIndex((g) => g.includes('.'));
  const lastIsHead = halves.length === 2 && tail.length === 0;
  if (dottedAt !== -1 && (dottedAt !== all.length - 1 || lastIsHead)) return undefined;
  const groups: string[] = [];
  for (const g of all) {
    if (g.includes('.')) {
      if (!isIPv4(g)) return undefined;
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      groups.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    } else {
      if (!new RegExp(`^[0-9A-Fa-f]{1,${IPV6_GROUP_MAX_HEX_DIGITS}}$`).test(g)) return undefined;
      groups.push(parseInt(g, 16).toString(16));
    }
  }
  const headCount = head.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  if (halves.length === 2) {
    if (groups.length > IPV6_GROUPS - 1) return undefined;
    const zeros = Array<string>(IPV6_GROUPS - groups.length).fill('0');
    groups.splice(headCount, 0, ...zeros);
  } else if (groups.length !== IPV6_GROUPS) {
    return undefined;
  }
  return `${groups.join(':')}${zone === undefined ? '' : `%${zone.toLowerCase()}`}`;
}

function readGroups(s: string): string[] | undefined {
  if (s === '') return [];
  const groups = s.split(':');
  return groups.some((g) => g === '') ? undefined : groups;
}

/**
 * True for a DNS hostname: dot-separated labels of letters, digits, "-" and "_"
 * (underscores appear in Docker Compose and some cluster DNS names), each 1..63
 * characters, not starting or ending with "-"; at most 253 characters; one trailing
 * dot (a fully qualified name) allowed. A name made only of digits and dots is not a
 * hostname: resolvers read it as an IPv4 number, so it must pass {@link isIPv4}.
 */
export function isHostname(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > MAX_HOSTNAME_LENGTH) return false;
  if (/^[0-9.]+$/.test(name)) return false;
  return name.split('.').every((l) => l.length >= 1 && l.length <= MAX_LABEL_LENGTH && /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(l));
}
