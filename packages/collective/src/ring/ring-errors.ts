/**
 * The errors a running ring op raises when a rank sees something wrong: a predecessor's
 * frame of another op (every rank must issue the same ops in the same order), an op past
 * its deadline (naming the ranks not heard from), a neighbour link that failed.
 */
import { CollectiveTimeoutError, ProtocolError, WorkerLostError } from '@syncline/core';
import type { OpContext } from '../op-queue';
import type { FrameHeader } from './frame';
import type { PeerLink } from './peer-link';
import { OPCODE, OPCODE_NAMES, type RingPlan } from './ring-plans';

function describeOp(opcode: number, arg: number, seq: number, count: number): string {
  return `${OPCODE_NAMES[opcode] ?? `opcode ${opcode}`}${opcode === OPCODE.broadcast ? ` (root ${arg})` : ''} #${seq} of ${count} floats`;
}

/** A DATA frame from `from` that belongs to another op than `plan` (#seq). */
export function opMismatch(from: string, h: FrameHeader, plan: RingPlan, seq: number): ProtocolError {
  return new ProtocolError(
    from,
    `predecessor sent ${describeOp(h.opcode, h.arg, h.seq, h.count)} while this rank runs ${describeOp(plan.opcode, plan.arg, seq, plan.count)}; ` +
      'every rank must issue the same ops in the same order',
  );
}

/** The active op ran past its deadline: names the ranks whose frames have not arrived. */
export function opTimeout(plan: RingPlan, ctx: OpContext, rank: number, size: number): CollectiveTimeoutError {
  return new CollectiveTimeoutError(
    OPCODE_NAMES[plan.opcode]!,
    ctx.seq,
    ctx.timeoutMs,
    plan.pendingUpstream().map((d) => (rank - d + size) % size),
    `rank ${rank} received ${plan.received} of ${plan.received + plan.remaining} frames from rank ${(rank - 1 + size) % size}`,
  );
}

/** A neighbour link that failed (closed, reset, silent) during `op` #seq. */
export function linkLost(link: PeerLink, op: string, seq: number, e: unknown): WorkerLostError {
  const reason = `${link.role === 'recv' ? 'its connection to us' : 'our connection to it'} failed: ${e instanceof Error ? e.message : String(e)}`;
  return new WorkerLostError(link.peerRank, link.address, op, seq, reason, { cause: e });
}

/** A neighbour that closed its communicator normally after `goodbyeAfter` ops, while op #seq still needed it. */
export function peerClosed(link: PeerLink, op: string, seq: number): WorkerLostError {
  return new WorkerLostError(link.peerRank, link.address, op, seq, `it closed its communicator after ${link.goodbyeAfter} ops`);
}
