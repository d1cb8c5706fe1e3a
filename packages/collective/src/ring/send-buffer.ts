/**
 * SO_SNDBUF of the socket a rank sends its DATA frames on. Node's net module cannot set
 * it, so this calls setsockopt(2) from libc through koffi (an optional dependency), on Linux.
 *
 * Why: with the kernel's autotuned send buffer (up to net.ipv4.tcp_wmem's max, 4 MiB here)
 * one write can copy a whole MiB-sized chunk into the kernel while the neighbour's data
 * waits unread in our receive queue, so the two directions of the ring take turns. A
 * bounded buffer makes each write return after at most that much, and the event loop reads
 * in between: both directions move at once.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/** Linux's values (asm-generic/socket.h); other systems are refused before they are used. */
export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;

type SetSockOpt = (fd: number, level: number, name: number, value: number[], len: number) => number;
interface Koffi {
  load(path: string): { func(signature: string): SetSockOpt };
  errno(): number;
}
interface Native {
  readonly setsockopt: SetSockOpt;
  readonly errno: () => number;
}

let native: Native | string | undefined;

/**
 * koffi through CommonJS's require (this package's CJS build, and jest); the ESM build has
 * no require of its own (its bundler's stand-in throws "Dynamic require ... is not
 * supported"), so it resolves koffi from this file through createRequire.
 */
function requireKoffi(): { default?: Koffi } & Partial<Koffi> {
  try {
    return require('koffi');
  } catch (e) {
    if (e instanceof Error && /Dynamic require/.test(e.message)) return createRequire(__filename)('koffi');
    throw e;
  }
}

/** libc's setsockopt through koffi (loaded once), or a sentence saying why it is not available here. */
export function loadSetsockopt(): Native | string {
  if (process.platform !== 'linux') return `it is set with Linux's setsockopt(2), and this system is ${process.platform}`;
  if (native === undefined) {
    try {
      const m = requireKoffi();
      const koffi = (m.default ?? m) as Koffi;
      native = { setsockopt: koffi.load('libc.so.6').func('int setsockopt(int, int, int, _In_ int *, uint32)'), errno: () => koffi.errno() };
    } catch (e) {
      native = `the optional dependency koffi could not be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); install it with \`npm install koffi\``;
    }
  }
  return native;
}

/** The file descriptor under a net.Socket, or under a TLS socket's TCP handle (Node internals). */
export function socketFd(socket: Socket): number | undefined {
  const h = (socket as unknown as { _handle?: { fd?: unknown; _parent?: { fd?: unknown } } })._handle;
  const fd = typeof h?.fd === 'number' ? h.fd : h?._parent?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Sets the socket's SO_SNDBUF to `bytes` (Linux doubles it for its own bookkeeping and caps
 * it at net.core.wmem_max). Returns undefined when set, else why it could not be.
 */
export function setSendBuffer(socket: Socket, bytes: number): string | undefined {
  const n = loadSetsockopt();
  if (typeof n === 'string') return n;
  const fd = socketFd(socket);
  if (fd === undefined) return 'the socket has no file descriptor (closed, or not a kernel socket)';
  if (n.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, [bytes], 4) !== 0) return `setsockopt(SO_SNDBUF) failed with errno ${n.errno()}`;
  return undefined;
}
