/**
 * Communicator over a ring of sockets (Unix domain sockets on one host, TCP across hosts,
 * optionally mutual TLS), for ranks that are processes.
 *
 * 1. createRingCommunicator authenticates both neighbour links (rendezvous.ts, auth.ts).
 * 2. Ops run one at a time in issue order (OpQueue); each follows a RingPlan: initial
 *    sends, then every expected DATA frame from the predecessor is validated (seq, opcode,
 *    count, step, chunk, size) and reduced or copied in place, and forwarded at once.
 * 3. An op completes when its last frame has landed and its writes are flushed (so the
 *    caller may reuse the buffer); frames of an op not yet issued here wait in the kernel.
 * 4. Liveness: heartbeats both ways on both links; a closed/reset/silent link or a bad frame
 *    fails the group, and an ABORT frame carrying the lost rank, op and seq travels both
 *    ways round the ring so every rank fails at once with the same named error.
 */
import type { Server, Socket } from 'node:net';
import { InvalidConfigError, ProtocolError, type CollectiveCallOptions, type Communicator, type ReduceOp } from '@syncline/core';
import { OpQueue, type OpContext } from '../op-queue';
import type { RingAddress } from './address';
import { controlFrame, FrameType, HEADER_BYTES, writeHeader, type FrameHeader, type FrameSink } from './frame';
import type { PeerLink } from './peer-link';
import { Rendezvous } from './rendezvous';
import { OPCODE, OPCODE_NAMES, RingAllReducePlan, RingBroadcastPlan, RingGatherPlan, type RingPlan } from './ring-plans';
import { abortKindOf, failureFrame, errorFromAbort, type AbortKind } from './abort';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_SMALL_BYTES, type RingCommunicatorOptions } from './ring-options';
import { linkLost, opMismatch, opTimeout, peerClosed } from './ring-errors';
import { refuseSendBuffer, rendezvousParams, resolveRingSetup, type RingSetup } from './ring-setup';
import { KernelArena } from '../wasm/simd-kernels';
import { reduceArea, RegisteredArena, type ReduceArea } from './registered-arena';
import { DeadlineTimer } from './deadline-timer';
import { loadSetsockopt, setSendBuffer } from './send-buffer';

/** Mid-size ops are cut into at least this many chunks per segment so hops overlap... */
const PIPELINE_DEPTH = 8;
/** ...but never into chunks smaller than this (per-frame costs would dominate). */
const MIN_PIPELINE_CHUNK_FLOATS = 16 << 10;

interface ActiveOp {
  readonly ctx: OpContext;
  readonly plan: RingPlan;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  reduceRange?: [number, number];
}

/**
 * Joins a ring as `rank`: listens on addresses[rank], connects to addresses[rank - 1] and
 * authenticates both links. Resolves once the ring is formed; rejects with
 * InvalidConfigError (bad options, no token), AuthFailedError (wrong token, here or on any
 * rank), ClusterMismatchError (ranks disagree on the cluster's size or order, or two claim
 * one rank), AddressInUseError (this rank's address is held), WorkerLostError (a neighbour
 * left during rendezvous) or CollectiveTimeoutError (a neighbour never came up within
 * rendezvousTimeoutMs). A failure on any rank reaches every rank in seconds (rendezvous.ts).
 */
export async function createRingCommunicator(options: RingCommunicatorOptions): Promise<Communicator> {
  const c = new RingCommunicator(options);
  await c.start();
  return c;
}

class RingCommunicator implements Communicator {
  readonly name: string;
  readonly rank: number;
  readonly size: number;
  readonly timeoutMs: number;
  readonly #o: RingCommunicatorOptions;
  readonly #setup: RingSetup;
  readonly #addr: RingAddress[];
  readonly #chunkFloats: number;
  readonly #queue: OpQueue;
  /** Wasm memory holding a large allReduce's working copy and the receive staging chunk. */
  readonly #arena = new KernelArena();
  readonly #registered: RegisteredArena | undefined;
  #area: ReduceArea | undefined;
  readonly #deadline = new DeadlineTimer(() => this.#timedOut());
  #gather = new Float32Array(0);
  #headers = Buffer.alloc(HEADER_BYTES * 64);
  #sent = 0;
  #pendingWrites = 0;
  #active: ActiveOp | undefined;
  #server: Server | undefined;
  #pendingSockets: Set<Socket> | undefined;
  #recv: PeerLink | undefined;
  #send: PeerLink | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #joining: Rendezvous | undefined;
  #dead = false;
  #spinUntil = 0;
  readonly #spinMs: number;
  readonly #sendBufferBytes: number;
  readonly #hdr: FrameHeader = { type: FrameType.Data, opcode: 0, arg: 0, seq: 0, step: 0, chunk: 0, count: 0, size: 0 };
  readonly #hb = controlFrame(FrameType.Heartbeat);

  constructor(o: RingCommunicatorOptions) {
    const r = (this.#setup = resolveRingSetup(o));
    this.rank = r.rank;
    this.size = r.size;
    this.#o = o;
    this.#addr = r.addresses;
    this.timeoutMs = r.timeoutMs;
    this.name = r.name;
    this.#chunkFloats = r.chunkFloats;
    this.#queue = new OpQueue(this.name, this.rank, this.timeoutMs);
    this.#spinMs = r.spinMs;
    this.#sendBufferBytes = r.sendBufferBytes;
    this.#registered = r.registeredFloats > 0 ? new RegisteredArena(r.registeredFloats, r.chunkFloats) : undefined;
  }

  allocate(length: number): Float32Array | undefined {
    return this.#registered?.allocate(length);
  }

  async start(): Promise<void> {
    if (this.size === 1) return;
    const timeout = this.#o.rendezvousTimeoutMs ?? this.timeoutMs;
    const explicitSendBuffer = this.#o.sendBufferBytes !== undefined && this.#sendBufferBytes > 0;
    const native = explicitSendBuffer ? loadSetsockopt() : undefined;
    if (typeof native === 'string') throw refuseSendBuffer(this.#o, native);
    const recvSink: FrameSink = { dataDestination: (h) => this.#dataDestination(h), onFrame: (h, payload) => this.#onFrame(h, payload) };
    const sendSink: FrameSink = {
      dataDestination: (h) => {
        throw new ProtocolError(this.#addr[(this.rank + 1) % this.size]!.text, `DATA frame (seq ${h.seq}) on the reverse channel`);
      },
      onFrame: (h, payload) => this.#onControl(h, payload, this.#send),
    };
    const joining = new Rendezvous(
      rendezvousParams(this.#o, this.#setup, timeout, {
        sinks: { recv: recvSink, send: sendSink },
        linkFailed: (link, e, how) => this.#linkFailed(link, e, how),
        lateMismatch: (e, peer) => this.#fail(e, abortKindOf(e), peer),
      }),
      { recv: recvSink, send: sendSink },
    );
    // an ABORT or a lost link during rendezvous fails it (#fail), so no rank waits for its deadline
    this.#joining = joining;
    const r = await joining.run().finally(() => (this.#joining = undefined));
    this.#server = r.server;
    this.#pendingSockets = r.pending;
    this.#recv = r.recv;
    this.#send = r.send;
    if (this.#sendBufferBytes > 0) {
      // the default falls back to the kernel's autotuning where it cannot be set (see RingCommunicatorOptions.sendBufferBytes)
      const why = setSendBuffer(r.send.socket!, this.#sendBufferBytes);
      if (why && explicitSendBuffer) {
        await this.#release();
        throw refuseSendBuffer(this.#o, `on the link to rank ${(this.rank + 1) % this.size} ${why}`);
      }
    }
    const interval = this.#o.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.#heartbeat = setInterval(() => this.#beat(), interval);
    this.#heartbeat.unref();
  }

  async allReduce(buf: Float32Array, op: ReduceOp, options?: CollectiveCallOptions): Promise<Float32Array> {
    if (op !== 'sum' && op !== 'mean' && op !== 'max') throw new InvalidConfigError('op', op, '"sum", "mean" or "max"', { source: 'allReduce' });
    await this.#queue.enqueue('allReduce', options, async (ctx) => {
      if (this.size === 1) return;
      const small = buf.length * 4 <= (this.#o.smallBytes ?? DEFAULT_SMALL_BYTES);
      if (!small) {
        // received chunks are reduced in wasm memory by the SIMD kernel (see RingAllReducePlan):
        // a registered buffer in place, else a working copy in the arena
        const area = (this.#area = reduceArea(buf, this.#registered, this.#arena, this.#chunkFloats));
        await this.#execute(ctx, new RingAllReducePlan(buf, area.work, op, this.size, this.rank, this.#pipelineChunk(buf.length / this.size)));
        return;
      }
      const blocks = this.#gatherBuffer(buf.length);
      blocks.set(buf, this.rank * buf.length);
      await this.#execute(ctx, new RingGatherPlan(OPCODE[op], blocks, buf.length, this.size, this.rank, this.#chunkFloats, { buf, op }));
    });
    return buf;
  }

  async broadcast(buf: Float32Array, root: number, options?: CollectiveCallOptions): Promise<Float32Array> {
    if (!Number.isInteger(root) || root < 0 || root >= this.size)
      throw new InvalidConfigError('root', root, `a rank in 0..${this.size - 1}`, { source: 'broadcast' });
    await this.#queue.enqueue('broadcast', options, async (ctx) => {
      if (this.size > 1) await this.#execute(ctx, new RingBroadcastPlan(buf, root, this.size, this.rank, this.#pipelineChunk(buf.length)));
    });
    return buf;
  }

  async allGather(buf: Float32Array, options?: CollectiveCallOptions): Promise<Float32Array> {
    return this.#queue.enqueue('allGather', options, async (ctx) => {
      const out = new Float32Array(buf.length * this.size);
      out.set(buf, this.rank * buf.length);
      if (this.size > 1) await this.#execute(ctx, new RingGatherPlan(OPCODE.allGather, out, buf.length, this.size, this.rank, this.#chunkFloats));
      return out;
    });
  }

  async barrier(options?: CollectiveCallOptions): Promise<void> {
    await this.#queue.enqueue('barrier', options, async (ctx) => {
      if (this.size > 1) await this.#execute(ctx, new RingGatherPlan(OPCODE.barrier, this.#gatherBuffer(0), 0, this.size, this.rank, this.#chunkFloats));
    });
  }

  async close(): Promise<void> {
    await this.#queue.close(() => this.#release());
  }

  #release(): Promise<void> {
    const wasDead = this.#dead;
    this.#dead = true;
    clearInterval(this.#heartbeat);
    this.#deadline.cancel();
    const bye = wasDead ? undefined : controlFrame(FrameType.Goodbye);
    bye?.writeUInt32LE(this.#queue.issued, 8);
    this.#recv?.shutdown(bye);
    this.#send?.shutdown(bye);
    const server = this.#server;
    this.#server = undefined;
    // strangers still in a handshake would hold server.close() open for up to HANDSHAKE_TIMEOUT_MS
    for (const s of this.#pendingSockets ?? []) s.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Chunk size for a stream of `floats`: deep enough to pipeline, capped by chunkBytes (same on every rank). */
  #pipelineChunk(floats: number): number {
    return Math.min(this.#chunkFloats, Math.max(MIN_PIPELINE_CHUNK_FLOATS, Math.ceil(floats / PIPELINE_DEPTH / 16) * 16));
  }

  #gatherBuffer(len: number): Float32Array {
    if (this.#gather.length < len * this.size) this.#gather = new Float32Array(len * this.size);
    return this.#gather.subarray(0, len * this.size);
  }

  #execute(ctx: OpContext, plan: RingPlan): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#deadline.start(ctx.deadline);
      this.#active = { ctx, plan, resolve, reject };
      this.#sent = 0;
      const need = (plan.remaining + Math.ceil(plan.count / this.#chunkFloats) + this.size + 1) * HEADER_BYTES;
      if (this.#headers.length < need) this.#headers = Buffer.alloc(Math.max(need, this.#headers.length * 2));
      plan.start(this.#sendChunk);
      this.#recv!.resume();
      this.#checkDone();
      this.#spinUntil = performance.now() + this.#spinMs;
      if (this.#active && this.#spinMs > 0) setImmediate(this.#poll);
    });
  }

  /**
   * For a short window after each sign of progress, keep the event loop polling sockets
   * without sleeping (a pending immediate makes libuv poll with a zero timeout), as MPI
   * busy-polls: a sleeping process wakes late for every hop. The window is short so that
   * ranks sharing few cores do not starve each other.
   */
  readonly #poll = (): void => {
    if (this.#active && performance.now() < this.#spinUntil) setImmediate(this.#poll);
  };

  readonly #sendChunk = (step: number, chunk: number, payload: Float32Array): void => {
    const a = this.#active!;
    const h = this.#hdr;
    h.type = FrameType.Data;
    h.opcode = a.plan.opcode;
    h.arg = a.plan.arg;
    h.seq = a.ctx.seq;
    h.step = step;
    h.chunk = chunk;
    h.count = a.plan.count;
    h.size = payload.byteLength;
    const at = this.#sent++ * HEADER_BYTES;
    writeHeader(this.#headers, at, h);
    const link = this.#send!;
    const s = link.socket!;
    const header = this.#headers.subarray(at, at + HEADER_BYTES);
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#pendingWrites++;
    // with integrity: header, payload, their tag (frame-mac.ts); the last write reports the flush
    const parts = link.sendMac ? [header, bytes, link.sendMac.tag(header, bytes)] : [header, bytes];
    s.cork();
    for (let i = 0; i < parts.length - 1; i++) if (parts[i]!.length > 0) s.write(parts[i]!);
    s.write(parts[parts.length - 1]!, this.#written);
    s.uncork();
  };

  readonly #written = (err?: Error | null): void => {
    this.#pendingWrites--;
    if (err) this.#linkFailed(this.#send!, err, 'lost');
    else this.#checkDone();
  };

  #dataDestination(h: FrameHeader): Uint8Array | null {
    const a = this.#active;
    // no op yet, or this op only waits for its writes to flush: the frame belongs to the next op
    if (!a || a.plan.remaining === 0) return null;
    const p = a.plan;
    const from = this.#addr[(this.rank - 1 + this.size) % this.size]!.text;
    if (h.seq !== a.ctx.seq || h.opcode !== p.opcode || h.arg !== p.arg || h.count !== p.count) throw opMismatch(from, h, p, a.ctx.seq);
    const range = p.expect(h.step, h.chunk, h.size);
    if (typeof range === 'string') throw new ProtocolError(from, `${OPCODE_NAMES[p.opcode]} #${a.ctx.seq}: ${range}`);
    const into = p.reducesInto(h.step);
    if (into) {
      a.reduceRange = range;
      return new Uint8Array(this.#area!.arena.buffer, this.#area!.stagingByte, h.size);
    }
    a.reduceRange = undefined;
    const t = p.target();
    return new Uint8Array(t.buffer, t.byteOffset + range[0] * 4, h.size);
  }

  #onFrame(h: FrameHeader, payload: Uint8Array): void {
    if (h.type !== FrameType.Data) return this.#onControl(h, payload, this.#recv);
    const a = this.#active!;
    const r = a.reduceRange;
    if (r) {
      // reducesInto() is in wasm memory (the working copy, or the registered buffer itself): bring in our own chunk, add theirs
      const work = a.plan.reducesInto(h.step)!;
      const own = a.plan.target();
      if (work !== own) work.set(own.subarray(r[0], r[1]), r[0]);
      const { arena, workByte, stagingByte } = this.#area!;
      if (a.plan.opcode === OPCODE.max) arena.kernels.max(workByte + r[0] * 4, stagingByte, r[1] - r[0]);
      else arena.kernels.add(workByte + r[0] * 4, stagingByte, r[1] - r[0]);
    }
    a.plan.landed(this.#sendChunk);
    this.#checkDone();
    if (this.#active && this.#spinMs > 0) {
      const spinning = performance.now() < this.#spinUntil;
      this.#spinUntil = performance.now() + this.#spinMs;
      if (!spinning) setImmediate(this.#poll);
    }
  }

  #onControl(h: FrameHeader, payload: Uint8Array, link?: PeerLink): void {
    if (h.type === FrameType.Heartbeat) return;
    if (h.type === FrameType.Goodbye) {
      if (link) link.goodbyeAfter = h.seq;
      return;
    }
    if (h.type === FrameType.Abort) {
      const { error, kind, subject, reason } = errorFromAbort(h, payload, this.#addr, {
        ...this.#opName(),
        timeoutMs: this.#active?.ctx.timeoutMs ?? this.timeoutMs,
      });
      return this.#fail(error, kind, subject, reason);
    }
    throw new ProtocolError(`rank ${h.type}`, `unexpected frame type ${h.type} after the handshake`);
  }

  #checkDone(): void {
    const a = this.#active;
    if (!a || a.plan.remaining > 0 || this.#pendingWrites > 0) return;
    this.#active = undefined;
    this.#deadline.stop();
    a.plan.finish();
    a.resolve();
  }

  #opName(): { op: string; seq: number } {
    const a = this.#active;
    return a ? { op: OPCODE_NAMES[a.plan.opcode]!, seq: a.ctx.seq } : { op: 'idle (between ops)', seq: this.#queue.issued };
  }

  #timedOut(): void {
    const a = this.#active;
    if (a) this.#fail(opTimeout(a.plan, a.ctx, this.rank, this.size), 'timeout', this.rank);
  }

  #linkFailed(link: PeerLink, e: unknown, how: 'lost' | 'protocol'): void {
    if (this.#dead) return;
    const { op, seq } = this.#opName();
    if (how === 'protocol') return this.#fail(e, abortKindOf(e), link.peerRank);
    if (link.goodbyeAfter !== undefined) {
      // the peer closed normally after finishing goodbyeAfter ops: an op before that needs nothing more from it
      if (this.#active && this.#active.ctx.seq < link.goodbyeAfter) return;
      const gone = peerClosed(link, op, seq);
      if (!this.#active) return this.#queue.fail(gone);
      return this.#fail(gone, 'lost', link.peerRank);
    }
    this.#fail(linkLost(link, op, seq, e), 'lost', link.peerRank);
  }

  #beat(): void {
    if (this.#dead) return;
    const limit = this.#o.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    for (const link of [this.#recv, this.#send]) {
      const silence = link?.beat(this.#hb, limit);
      if (silence) return this.#linkFailed(link!, silence, 'lost');
    }
  }

  /** Fails the group: rejects the active op, poisons the queue, tells both neighbours. */
  #fail(e: unknown, kind: AbortKind, subject: number, passOn?: string): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#queue.fail(e);
    clearInterval(this.#heartbeat);
    const { seq } = this.#opName();
    const frame = failureFrame(kind, subject, seq, this.#active?.plan.opcode ?? 0, passOn ?? e);
    this.#joining?.abort(e, frame);
    this.#recv?.shutdown(frame);
    this.#send?.shutdown(frame);
    const a = this.#active;
    this.#active = undefined;
    this.#deadline.cancel();
    a?.reject(e);
  }
}
