/**
 * ABORT frames: when a rank fails the group (lost neighbour, timeout, bad frame, a failed
 * authentication or a cluster mismatch at rendezvous) it tells both neighbours, who fail
 * with the same named error and pass it on, so every rank of the ring fails at once
 * instead of waiting out its timeout. ABORTs travel only over authenticated links.
 * Encoding: header.step = the rank the failure is about, header.chunk = kind,
 * header.seq/opcode = the op, payload = the reason (UTF-8, at most MAX_REASON_BYTES): plain
 * text, or for 'auth', 'mismatch', 'in-use' and 'integrity' the error's facts as JSON, so every rank
 * rebuilds the same error class.
 */
import {
  AddressInUseError,
  AuthFailedError,
  ClusterMismatchError,
  CollectiveTimeoutError,
  IntegrityError,
  ProtocolError,
  WorkerLostError,
} from '@syncline/core';
import type { ClusterMember, ClusterMismatchKind } from '@syncline/core';
import type { RingAddress } from './address';
import { FrameType, HEADER_BYTES, MAX_CONTROL_PAYLOAD, writeHeader, type FrameHeader } from './frame';
import { OPCODE_NAMES } from './ring-plans';

export type AbortKind = 'lost' | 'timeout' | 'protocol' | 'auth' | 'mismatch' | 'in-use' | 'integrity';
const KIND_CODE: Record<AbortKind, number> = { lost: 1, timeout: 2, protocol: 3, auth: 4, mismatch: 5, 'in-use': 6, integrity: 7 };
const KINDS: AbortKind[] = ['lost', 'lost', 'timeout', 'protocol', 'auth', 'mismatch', 'in-use', 'integrity'];
const MAX_REASON_BYTES = MAX_CONTROL_PAYLOAD;
/** Addresses in a JSON reason are cut to this many characters (keeping the end), so the facts fit one frame. */
const MAX_ADDRESS_CHARS = 60;
const REPORTED = 'reported round the ring';

/** The ABORT kind a rendezvous failure travels as. */
export function abortKindOf(e: unknown): AbortKind {
  if (e instanceof AuthFailedError) return 'auth';
  if (e instanceof ClusterMismatchError) return 'mismatch';
  if (e instanceof AddressInUseError) return 'in-use';
  if (e instanceof IntegrityError) return 'integrity';
  if (e instanceof ProtocolError) return 'protocol';
  if (e instanceof CollectiveTimeoutError) return 'timeout';
  return 'lost';
}

const clip = (s: string): string => (s.length > MAX_ADDRESS_CHARS ? `…${s.slice(s.length - MAX_ADDRESS_CHARS + 1)}` : s);
const member = (m: ClusterMember): [number, number, string] => [m.rank, m.size, clip(m.address)];

/** What an AuthFailedError says after "Authentication with <address> failed: ", without the token advice. */
export function authDetail(e: AuthFailedError): string {
  const head = `Authentication with ${e.address} failed: `;
  const body = e.message.startsWith(head) ? e.message.slice(head.length) : e.message;
  const advice = body.lastIndexOf('. Every rank must use');
  return advice >= 0 ? body.slice(0, advice) : body;
}

/** The facts of a structured error as JSON, detail cut so the whole fits MAX_REASON_BYTES. */
function factsOf(kind: AbortKind, e: unknown): string | undefined {
  let facts: Record<string, unknown>;
  let detail: string | undefined;
  if (kind === 'auth' && e instanceof AuthFailedError) [facts, detail] = [{ a: clip(e.address) }, authDetail(e)];
  else if (kind === 'mismatch' && e instanceof ClusterMismatchError) {
    facts = { k: e.kind, l: member(e.local), p: member(e.peer) };
    detail = e.detail;
  } else if (kind === 'in-use' && e instanceof AddressInUseError) {
    facts = { a: clip(e.address), r: e.rank };
    detail = e.detail;
  } else if (kind === 'integrity' && e instanceof IntegrityError) {
    facts = { a: clip(e.address), r: e.rank, p: e.peerRank };
    detail = e.detail;
  } else return undefined;
  const bare = JSON.stringify(facts);
  if (!detail) return bare;
  const room = MAX_REASON_BYTES - Buffer.byteLength(bare) - 8;
  let d = detail;
  while (d.length > 0 && Buffer.byteLength(JSON.stringify(d)) > room) d = d.slice(0, Math.max(0, d.length - 16));
  return d ? JSON.stringify({ ...facts, d }) : bare;
}

/** `e` is the failure, or (when passing an ABORT on) the reason text it carried. */
export function failureFrame(kind: AbortKind, subject: number, seq: number, opcode: number, e: unknown): Buffer {
  const text = typeof e === 'string' ? e : (factsOf(kind, e) ?? (e instanceof Error ? e.message : String(e)));
  const reason = Buffer.from(text, 'utf8').subarray(0, MAX_REASON_BYTES);
  const out = Buffer.alloc(HEADER_BYTES + reason.length);
  writeHeader(out, 0, { type: FrameType.Abort, opcode, arg: 0, seq, step: subject, chunk: KIND_CODE[kind], count: 0, size: reason.length });
  out.set(reason, HEADER_BYTES);
  return out;
}

type Facts = { a?: unknown; r?: unknown; k?: unknown; l?: unknown; p?: unknown; d?: unknown };
const asMember = (v: unknown): ClusterMember | undefined =>
  Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number' && typeof v[2] === 'string' ? { rank: v[0], size: v[1], address: v[2] } : undefined;

/** Rebuilds a structured error from its JSON facts; undefined when they do not parse. */
function structuredError(kind: AbortKind, reason: string): Error | undefined {
  let f: Facts;
  try {
    f = JSON.parse(reason) as Facts;
  } catch {
    return undefined;
  }
  const note = typeof f.d === 'string' && f.d ? `${f.d}; ${REPORTED}` : REPORTED;
  if (kind === 'auth' && typeof f.a === 'string') return new AuthFailedError(f.a, note);
  if (kind === 'in-use' && typeof f.a === 'string' && typeof f.r === 'number') return new AddressInUseError(f.a, f.r, note);
  if (kind === 'integrity' && typeof f.a === 'string' && typeof f.r === 'number' && typeof f.p === 'number')
    return new IntegrityError(f.r, f.p, f.a, typeof f.d === 'string' ? f.d : 'a frame carried a wrong tag', { reported: true });
  const [l, p] = [asMember(f.l), asMember(f.p)];
  if (kind === 'mismatch' && l && p && (f.k === 'size' || f.k === 'order' || f.k === 'duplicate'))
    return new ClusterMismatchError(f.k as ClusterMismatchKind, l, p, { ...(typeof f.d === 'string' && f.d ? { detail: f.d } : {}), reported: true });
  return undefined;
}

/** The error a rank fails with on receiving an ABORT, and what it passes on. */
export function errorFromAbort(
  h: FrameHeader,
  payload: Uint8Array,
  addresses: readonly RingAddress[],
  local: { op: string; seq: number; timeoutMs: number },
): { error: Error; kind: AbortKind; subject: number; reason: string } {
  const kind = KINDS[h.chunk] ?? 'lost';
  const subject = h.step < addresses.length ? h.step : 0;
  const reason = Buffer.from(payload).toString('utf8');
  const op = OPCODE_NAMES[h.opcode] && h.opcode !== 0 ? OPCODE_NAMES[h.opcode]! : local.op;
  const where = addresses[subject]!.text;
  let error: Error;
  if (kind === 'auth' || kind === 'mismatch' || kind === 'in-use' || kind === 'integrity')
    error = structuredError(kind, reason) ?? new ProtocolError(where, `${REPORTED}: ${reason}`);
  else if (kind === 'lost') error = new WorkerLostError(subject, where, op, h.seq, `${REPORTED}: ${reason}`);
  else if (kind === 'timeout') error = new CollectiveTimeoutError(op, h.seq, local.timeoutMs, [], `rank ${subject} gave up: ${reason}`);
  else error = new ProtocolError(where, `${REPORTED}: ${reason}`);
  return { error, kind, subject, reason };
}
