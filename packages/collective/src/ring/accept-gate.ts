/**
 * Bounded pre-authentication: what a listener lets in before a connection has proven it
 * knows the token. Without it, anyone who can reach the port holds descriptors and read
 * buffers (about 0.5 MiB a link) for up to the handshake deadline each, enough to exhaust
 * the process's file descriptors (a checkpoint write then fails with EMFILE) or its memory.
 *   1. When the cluster lists literal IP addresses, a connection from any other address is
 *      closed at accept, before a byte is read (acceptFrom 'any' relaxes this behind a NAT,
 *      where peers arrive from other addresses; host names are not filtered, since a name
 *      such as a Kubernetes service resolves to an address peers do not connect from).
 *   2. At most MAX_PENDING_AUTH connections wait for authentication at once, and at most
 *      MAX_PENDING_PER_SOURCE from one address; the rest are closed at accept.
 *   3. Every refusal is logged naming the source: the first from each address at once,
 *      then at most one line per LOG_INTERVAL_MS with the count since.
 * Cluster peers need one connection each while forming the ring (two for a notice), so
 * the caps never refuse a peer that is not itself flooding.
 */
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { RingAddress } from './address';

export const MAX_PENDING_AUTH = 8;
export const MAX_PENDING_PER_SOURCE = 2;
const LOG_INTERVAL_MS = 10_000;

/** Where a listener accepts connections from. */
export type AcceptFrom = 'cluster' | 'any';

const bare = (ip: string): string => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

/** The cluster's IP addresses when every TCP address is a literal IP, else undefined (no filter). */
export function clusterSources(addresses: readonly RingAddress[]): Set<string> | undefined {
  const hosts = addresses.filter((a) => a.kind === 'tcp').map((a) => (a.kind === 'tcp' ? a.host : ''));
  if (hosts.length === 0 || hosts.some((h) => isIP(h) === 0)) return undefined;
  return new Set(hosts.map(bare));
}

export class AcceptGate {
  #pending = 0;
  readonly #perSource = new Map<string, number>();
  readonly #refused = new Map<string, { count: number; loggedAt: number }>();

  constructor(
    /** Allowed source addresses; undefined accepts any. */
    readonly allowed: ReadonlySet<string> | undefined,
    readonly listening: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Connections now waiting for authentication. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Admits `socket` into the handshake, or closes it at once and returns false. An admitted
   * socket holds its place until `settle` runs (call it once the handshake ends either way).
   */
  admit(socket: Socket): { settle: () => void } | undefined {
    const source = bare(socket.remoteAddress ?? '');
    const why =
      source && this.allowed && !this.allowed.has(source)
        ? `it is not an address of the cluster (${[...this.allowed].join(', ')})`
        : this.#pending >= MAX_PENDING_AUTH
          ? `${this.#pending} connections already wait for authentication (at most ${MAX_PENDING_AUTH})`
          : (this.#perSource.get(source) ?? 0) >= MAX_PENDING_PER_SOURCE
            ? `${MAX_PENDING_PER_SOURCE} connections from it already wait for authentication`
            : undefined;
    if (why) {
      socket.destroy();
      this.#logRefusal(source || 'a local peer', why);
      return undefined;
    }
    this.#pending++;
    this.#perSource.set(source, (this.#perSource.get(source) ?? 0) + 1);
    let settled = false;
    return {
      settle: () => {
        if (settled) return;
        settled = true;
        this.#pending--;
        const n = (this.#perSource.get(source) ?? 1) - 1;
        if (n > 0) this.#perSource.set(source, n);
        else this.#perSource.delete(source);
      },
    };
  }

  #logRefusal(source: string, why: string): void {
    const now = performance.now();
    const r = this.#refused.get(source);
    if (!r) {
      this.#refused.set(source, { count: 0, loggedAt: now });
      this.log(`syncline ring: refused a connection from ${source} to ${this.listening} before authentication: ${why}`);
      return;
    }
    r.count++;
    if (now - r.loggedAt < LOG_INTERVAL_MS) return;
    this.log(`syncline ring: refused ${r.count} more connection(s) from ${source} to ${this.listening} in ${Math.round((now - r.loggedAt) / 1000)} s: ${why}`);
    r.count = 0;
    r.loggedAt = now;
  }
}
