/**
 * ABORT frames: when a rank fails the group (lost neighbour, timeout, bad frame) it tells
 * both neighbours, who fail with the same named error and pass it on, so every rank of
 * the ring fails at once instead of waiting out its timeout.
 * Encoding: header.step = the rank the failure is about, header.chunk = kind,
 * header.seq/opcode = the op, payload = the reason (UTF-8, at most MAX_REASON_BYTES).
 */
import { CollectiveTimeoutError, ProtocolError, WorkerLostError } from '@syncline/core';
import type { RingAddress } from './address';
import { FrameType, HEADER_BYTES, MAX_CONTROL_PAYLOAD, writeHeader, type FrameHeader } from './frame';
import { OPCODE_NAMES } from './ring-plans';

export type AbortKind = 'lost' | 'timeout' | 'protocol';
const KIND_CODE: Record<AbortKind, number> = { lost: 1, timeout: 2, protocol: 3 };
const KINDS: AbortKind[] = ['lost', 'lost', 'timeout', 'protocol'];
const MAX_REASON_BYTES = MAX_CONTROL_PAYLOAD;

/** `e` is the failure, or (when passing an ABORT on) the reason text it carried. */
export function failureFrame(kind: AbortKind, subject: number, seq: number, opcode: number, e: unknown): Buffer {
  const reason = Buffer.from(e instanceof Error ? e.message : String(e), 'utf8').subarray(0, MAX_REASON_BYTES);
  const out = Buffer.alloc(HEADER_BYTES + reason.length);
  writeHeader(out, 0, { type: FrameType.Abort, opcode, arg: 0, seq, step: subject, chunk: KIND_CODE[kind], count: 0, size: reason.length });
  out.set(reason, HEADER_BYTES);
  return out;
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
  if (kind === 'lost') error = new WorkerLostError(subject, where, op, h.seq, `reported round the ring: ${reason}`);
  else if (kind === 'timeout') error = new CollectiveTimeoutError(op, h.seq, local.timeoutMs, [], `rank ${subject} gave up: ${reason}`);
  else error = new ProtocolError(where, `reported round the ring: ${reason}`);
  return { error, kind, subject, reason };
}
