/**
 * Ring addresses: a Unix socket path ("/run/x.sock" or "unix:/run/x.sock") or "host:port"
 * ("[::1]:port" for IPv6). Parsing, loopback detection and the net options for each.
 */
import { InvalidConfigError } from '@syncline/core';
import { isIP } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RingAddress =
  | { readonly kind: 'unix'; readonly path: string; readonly text: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly text: string };

/** Parses one address; throws InvalidConfigError naming the rank and the value. */
export function parseRingAddress(text: string, rank: number): RingAddress {
  if (typeof text !== 'string' || text.length === 0)
    throw new InvalidConfigError(`addresses[${rank}]`, text, 'a Unix socket path or "host:port"', { source: 'createRingCommunicator' });
  if (text.startsWith('unix:')) return { kind: 'unix', path: text.slice(5), text };
  if (text.includes('/')) return { kind: 'unix', path: text, text };
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536))
    throw new InvalidConfigError(`addresses[${rank}]`, text, 'a Unix socket path or "host:port" with a port in 1..65535', { source: 'createRingCommunicator' });
  return { kind: 'tcp', host: m[1]!, port, text };
}

/** True for Unix sockets, localhost, 127.0.0.0/8 and ::1. */
export function isLoopback(a: RingAddress): boolean {
  if (a.kind === 'unix') return true;
  const h = a.host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * How many ranks share rank `rank`'s host, as far as the addresses tell: every Unix-socket or
 * loopback address when ours is one, else the TCP addresses naming the same host.
 */
export function ranksOnHost(addresses: readonly RingAddress[], rank: number): number {
  const me = addresses[rank]!;
  if (isLoopback(me)) return addresses.filter(isLoopback).length;
  return addresses.filter((a) => a.kind === 'tcp' && me.kind === 'tcp' && a.host.toLowerCase() === me.host.toLowerCase()).length;
}

/** Options for net.Server#listen. TCP listens on the address's host. */
export function listenOptions(a: RingAddress): { path: string } | { host: string; port: number } {
  return a.kind === 'unix' ? { path: a.path } : { host: a.host, port: a.port };
}

/** Options for net.connect / tls.connect. */
export function connectOptions(a: RingAddress): { path: string } | { host: string; port: number } {
  return a.kind === 'unix' ? { path: a.path } : { host: a.host, port: a.port };
}

/**
 * `size` Unix socket paths in a fresh private directory (under `dir`, default the OS temp
 * dir), for a ring whose ranks are processes of one host. The sockets are removed when
 * each rank closes; remove the directory when the job ends.
 */
export function unixSocketAddresses(size: number, dir = tmpdir()): string[] {
  const base = mkdtempSync(join(dir, 'syncline-ring-'));
  return Array.from({ length: size }, (_, r) => join(base, `rank-${r}.sock`));
}

/**
 * Where a rank whose ring address is `text` should listen to behave like a TensorFlow
 * server: every interface at the address's port ("0.0.0.0:2222", "[::]:2222" for IPv6).
 * In Kubernetes a pod's own DNS name may not resolve (or not to an interface of the pod)
 * when it starts, so binding the name itself can fail. Undefined for Unix sockets and
 * loopback addresses, which stay bound to themselves (an insecure loopback ring must
 * never be reachable from the network).
 */
export function wildcardListenAddress(text: string, rank: number): string | undefined {
  const a = parseRingAddress(text, rank);
  if (a.kind === 'unix' || isLoopback(a)) return undefined;
  return isIP(a.host) === 6 ? `[::]:${a.port}` : `0.0.0.0:${a.port}`;
}
