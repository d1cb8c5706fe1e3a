/**
 * Everything a ring rank settles before it connects: its options checked (rank inside the
 * address list, distinct addresses), the addresses parsed, the numeric options resolved,
 * the authentication key found (required when any address leaves this host), and the
 * parameters of its rendezvous.
 */
import { InvalidConfigError } from '@syncline/core';
import { isLoopback, parseRingAddress, type RingAddress } from './address';
import { resolveAuthKey } from './auth';
import type { FrameSink } from './frame';
import { PeerLink, type LinkFailure } from './peer-link';
import type { RendezvousParams } from './rendezvous';
import { resolveRingOptions, type RingCommunicatorOptions } from './ring-options';

/** Bytes of each link's reused read buffer (socket `onread`). */
const READ_BUFFER_BYTES = 256 << 10;

export interface RingSetup {
  readonly rank: number;
  readonly size: number;
  readonly addresses: RingAddress[];
  /** 'ring-unix' when every rank is a Unix socket, else 'ring-tcp'. */
  readonly name: string;
  readonly key: Buffer;
  readonly timeoutMs: number;
  readonly chunkFloats: number;
  readonly spinMs: number;
  readonly sendBufferBytes: number;
  readonly registeredFloats: number;
}

/** @throws InvalidConfigError naming the option and what is expected */
export function resolveRingSetup(o: RingCommunicatorOptions): RingSetup {
  const src = { source: 'createRingCommunicator' };
  if (!Array.isArray(o.addresses) || o.addresses.length < 1)
    throw new InvalidConfigError('addresses', o.addresses, 'a non-empty list, one address per rank', src);
  if (!Number.isInteger(o.rank) || o.rank < 0 || o.rank >= o.addresses.length)
    throw new InvalidConfigError('rank', o.rank, `an integer in 0..${o.addresses.length - 1}`, src);
  const addresses = o.addresses.map((a, i) => parseRingAddress(a, i));
  if (new Set(addresses.map((a) => a.text)).size !== addresses.length)
    throw new InvalidConfigError('addresses', o.addresses, 'distinct addresses, one per rank', src);
  const r = resolveRingOptions(o, addresses);
  return {
    rank: o.rank,
    size: addresses.length,
    addresses,
    name: addresses.every((a) => a.kind === 'unix') ? 'ring-unix' : 'ring-tcp',
    key: resolveAuthKey(
      o,
      addresses.filter((a) => !isLoopback(a)).map((a) => a.text),
    ),
    timeoutMs: r.timeoutMs,
    chunkFloats: r.chunkFloats,
    spinMs: r.spinMs,
    sendBufferBytes: r.sendBufferBytes,
    registeredFloats: r.registeredFloats,
  };
}

/**
 * Refuses an explicit sendBufferBytes that cannot be honoured, before any connection.
 * @param why the reason it cannot be set (koffi missing, not Linux), or undefined when it can
 */
export function refuseSendBuffer(o: RingCommunicatorOptions, why: string): InvalidConfigError {
  return new InvalidConfigError('sendBufferBytes', o.sendBufferBytes, `0 (the kernel's autotuning), since ${why}`, { source: 'createRingCommunicator' });
}

/** What the communicator hands the rendezvous: its frame sinks and its failure handlers. */
export interface RingHandlers {
  readonly sinks: { readonly recv: FrameSink; readonly send: FrameSink };
  readonly linkFailed: LinkFailure;
  readonly lateMismatch: (error: unknown, claimedRank: number) => void;
}

/** The rendezvous of this rank: handshake claims, where to listen, and how links are made. */
export function rendezvousParams(o: RingCommunicatorOptions, r: RingSetup, timeoutMs: number, h: RingHandlers): RendezvousParams {
  const chunkBytes = r.chunkFloats * 4;
  return {
    hs: { key: r.key, rank: r.rank, size: r.size, chunkBytes, address: r.addresses[r.rank]!.text, frameIntegrity: o.frameIntegrity !== false },
    addresses: r.addresses,
    listenAt: o.listenAddress === undefined ? undefined : parseRingAddress(o.listenAddress, r.rank),
    deadline: performance.now() + timeoutMs,
    timeoutMs,
    tls: o.tls,
    makeLink: (role, peer) => new PeerLink(role, peer, r.addresses[peer]!.text, h.sinks[role], chunkBytes, READ_BUFFER_BYTES, h.linkFailed),
    onStranger: (remote, e) => o.onStranger?.(remote, e),
    onLateMismatch: h.lateMismatch,
    acceptFrom: o.acceptFrom ?? 'cluster',
    ...(o.onRefused ? { onRefused: o.onRefused } : {}),
  };
}
