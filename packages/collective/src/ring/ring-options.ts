/**
 * Options and defaults of the socket ring (createRingCommunicator). Every rank of a ring
 * must use the same chunkBytes; the other values may differ per rank.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_COLLECTIVE_TIMEOUT_MS, InvalidConfigError } from '@syncline/core';
import { ranksOnHost, type RingAddress } from './address';
import { registeredFloatsFor } from '../registered';
import type { RingTlsOptions } from './rendezvous';
import type { AcceptFrom } from './accept-gate';

/** Largest DATA frame payload (bytes): the pipelining unit of large ops. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** allReduce up to this many bytes passes whole buffers round the ring (N-1 hops instead of 2(N-1)). */
export const DEFAULT_SMALL_BYTES = 64 << 10;
/** Heartbeat period on every link, ms. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 2_000;
/**
 * Busy-poll window after progress, µs, when the ranks on this host fit its cores (else 0;
 * see RingCommunicatorOptions.busyPollUs).
 */
export const DEFAULT_BUSY_POLL_US = 200;
/**
 * SO_SNDBUF of each rank's sending socket, bytes (see RingCommunicatorOptions.sendBufferBytes).
 * Measured against 512 KiB and the kernel's autotuning (bench, N = 2, 2 cores; loopback TCP,
 * registered buffers): 16 MiB all-reduce 9.4-9.5 ms (512 KiB: 10.0-10.7; autotuned:
 * 12.5-14.5); Unix sockets: 9.4-10.6 ms vs 14.9-15.4.
 */
export const DEFAULT_SEND_BUFFER_BYTES = 256 << 10;
/** A neighbour silent this long (no data, no heartbeat) is declared lost, ms. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 30_000;

/** Options of createRingCommunicator. */
export interface RingCommunicatorOptions {
  /** This process's rank, 0 <= rank < addresses.length. */
  readonly rank: number;
  /** One address per rank: a Unix socket path or "host:port" (TF_CONFIG's cluster addresses). */
  readonly addresses: readonly string[];
  /**
   * Where this rank listens, when it cannot bind its own entry of `addresses` (e.g.
   * "0.0.0.0:2222" when TF_CONFIG names a Kubernetes service). Default: addresses[rank].
   */
  readonly listenAddress?: string;
  /** Shared secret; else SYNCLINE_AUTH_TOKEN, else the file in authTokenFile / SYNCLINE_AUTH_TOKEN_FILE. */
  readonly authToken?: string;
  readonly authTokenFile?: string;
  /** Allows running without a token, only when every address is loopback or a Unix socket. */
  readonly insecure?: boolean;
  /** Default timeout of every op, in ms (default 300 s). */
  readonly timeoutMs?: number;
  /** How long to wait for the neighbours to come up, in ms (default: timeoutMs). */
  readonly rendezvousTimeoutMs?: number;
  /** Optional mutual TLS over every link. */
  readonly tls?: RingTlsOptions;
  /**
   * Pipelining chunk, bytes (default 1 MiB; measured against 512 KiB: 16 MiB all-reduce
   * over TCP 1.15x faster, 64 MiB unchanged); every rank must use the same value.
   */
  readonly chunkBytes?: number;
  /** allReduce of at most this many bytes passes whole buffers round the ring (fewer hops). */
  readonly smallBytes?: number;
  /**
   * Busy-poll the sockets for this long after each op starts or a frame lands, µs, as MPI
   * does, so that a hop does not wait for a sleeping process to wake. Default
   * DEFAULT_BUSY_POLL_US (200) when the ranks whose addresses share this rank's host (all of
   * them for Unix sockets and loopback) fit its cores, else 0: spinning ranks that outnumber
   * the cores steal them from each other (and from the kernel's network work). 0 turns it off.
   * Measured here (2 ranks, 2 cores, TCP): 4 KiB all-reduce 1.25x faster; 1 MiB unchanged.
   */
  readonly busyPollUs?: number;
  /**
   * Bytes that `allocate()` can hand out as registered buffers (default 0): a large
   * allReduce of one of them adds received chunks into it in place, with no copy into a
   * working area and back. Reserved up front in one WebAssembly memory.
   */
  readonly registeredBytes?: number;
  /**
   * SO_SNDBUF of the socket this rank sends DATA on, bytes (TCP and Unix sockets; Linux,
   * through the optional dependency koffi, since Node cannot set it). Default
   * DEFAULT_SEND_BUFFER_BYTES (256 KiB; Linux doubles the value and caps it at
   * net.core.wmem_max). A bounded buffer makes each write return after at most this much,
   * so the event loop reads the neighbour's data in between and both directions of the ring
   * move at once; the kernel's autotuned buffer lets one write copy out a whole chunk while
   * the other direction waits. 0 leaves the kernel's autotuning. Where koffi or Linux is
   * missing, the default quietly falls back to the kernel's autotuning, and an explicit
   * value is refused (InvalidConfigError) before any connection is made. Between hosts the
   * buffer caps a link at about bytes / round-trip time: raise it for links whose
   * bandwidth x RTT exceeds it (256 KiB covers 10 Gbit/s at a 200 µs round trip).
   */
  readonly sendBufferBytes?: number;
  readonly heartbeatIntervalMs?: number;
  /** A neighbour silent for this long is declared lost (default 30 s). */
  readonly heartbeatTimeoutMs?: number;
  /** Called for each refused stranger connection (garbage, wrong token); never fatal. */
  readonly onStranger?: (remote: string, error: unknown) => void;
  /**
   * Tag every frame after the handshake so that an altered, replayed or reordered frame
   * fails the op with IntegrityError (frame-mac.ts). Default true; false exists only to
   * measure what it costs (the all-reduce bench) and must be set alike on every rank.
   */
  readonly frameIntegrity?: boolean;
  /**
   * Who may connect to this rank's listener: 'cluster' (default) closes connections from
   * addresses outside `addresses` at accept, before any read, when they are all literal IPs;
   * 'any' accepts every source (peers behind a NAT). Either way, at most a few connections
   * wait for authentication at once, in all and per source (accept-gate.ts).
   */
  readonly acceptFrom?: AcceptFrom;
  /** Where refused connections are logged, naming the source (default: stderr). */
  readonly onRefused?: (line: string) => void;
}

/** setsockopt takes a C int, which Linux doubles: keep the double an int too. */
const MAX_SEND_BUFFER_BYTES = 2 ** 30 - 1;
/** Registered space plus a staging chunk must fit a 4 GiB WebAssembly memory. */
const MAX_REGISTERED_BYTES = 2 ** 31;

/** The numeric options, checked, with their defaults applied. */
export interface ResolvedRingOptions {
  readonly timeoutMs: number;
  readonly chunkFloats: number;
  readonly spinMs: number;
  readonly registeredFloats: number;
  readonly sendBufferBytes: number;
}

/** Applies defaults and throws InvalidConfigError naming the first bad numeric option. */
export function resolveRingOptions(o: RingCommunicatorOptions, addresses: readonly RingAddress[]): ResolvedRingOptions {
  const src = { source: 'createRingCommunicator' };
  const timeoutMs = o.timeoutMs ?? DEFAULT_COLLECTIVE_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new InvalidConfigError('timeoutMs', timeoutMs, 'a positive number of ms', src);
  const chunkBytes = o.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 64 || chunkBytes % 4 !== 0)
    throw new InvalidConfigError('chunkBytes', chunkBytes, 'a multiple of 4 bytes, at least 64', src);
  const busyPollUs = o.busyPollUs ?? (ranksOnHost(addresses, o.rank) <= availableParallelism() ? DEFAULT_BUSY_POLL_US : 0);
  if (!(busyPollUs >= 0)) throw new InvalidConfigError('busyPollUs', o.busyPollUs, 'a number of µs >= 0', src);
  const registeredBytes = o.registeredBytes ?? 0;
  if (!Number.isInteger(registeredBytes) || registeredBytes < 0 || registeredBytes > MAX_REGISTERED_BYTES)
    throw new InvalidConfigError('registeredBytes', registeredBytes, `an integer in 0..${MAX_REGISTERED_BYTES} (one 32-bit WebAssembly memory)`, src);
  const sendBufferBytes = o.sendBufferBytes ?? DEFAULT_SEND_BUFFER_BYTES;
  if (!Number.isInteger(sendBufferBytes) || sendBufferBytes < 0 || sendBufferBytes > MAX_SEND_BUFFER_BYTES)
    throw new InvalidConfigError(
      'sendBufferBytes',
      o.sendBufferBytes,
      `an integer number of bytes in 0..${MAX_SEND_BUFFER_BYTES} (0: the kernel's autotuning)`,
      src,
    );
  return { timeoutMs, chunkFloats: chunkBytes / 4, spinMs: busyPollUs / 1000, registeredFloats: registeredFloatsFor(registeredBytes), sendBufferBytes };
}
