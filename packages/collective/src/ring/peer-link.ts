/**
 * One authenticated connection to a ring neighbour: feeds received bytes to a frame
 * parser (from the socket's `onread` into a reused buffer, or 'data' events for TLS),
 * parks the unread rest of a read when the parser must wait for the next op, and
 * reports the first failure once. With `onread`, the rest of a large DATA payload is read
 * straight into its destination (nextReadBuffer), saving a copy of every byte. After the
 * handshake every frame both ways is tagged and checked (frame-mac.ts): `sendMac` tags
 * what this side writes, the parser checks what it reads.
 */
import type { Socket } from 'node:net';
import { IntegrityError, ProtocolError } from '@syncline/core';
import { FrameParser, HEADER_BYTES, type FrameSink } from './frame';
import { FrameMac, type SessionKeys } from './frame-mac';

/** A payload remainder at least this large is read into its destination directly. */
const DIRECT_READ_MIN_BYTES = 16 << 10;
const EMPTY = Buffer.alloc(0);

export type LinkFailure = (link: PeerLink, error: unknown, how: 'lost' | 'protocol') => void;

export class PeerLink {
  readonly parser: FrameParser;
  lastHeard = performance.now();
  /** Allocated on first use: a connection still in its handshake (a stranger, maybe) holds no buffers. */
  #park: Buffer = EMPTY;
  #parked = 0;
  #read: Buffer = EMPTY;
  /** The buffer handed to the socket for the next read is a payload's destination. */
  #direct = false;
  #failed = false;
  readonly #bufferBytes: number;
  socket: Socket | undefined;
  /** Set when the peer said GOODBYE: it completed this many ops and closed normally. */
  goodbyeAfter: number | undefined;
  /** Tags every frame this side writes, once integrity is on (enableIntegrity). */
  sendMac: FrameMac | undefined;

  constructor(
    readonly role: 'send' | 'recv',
    readonly peerRank: number,
    readonly address: string,
    sink: FrameSink,
    maxData: number,
    readBufferBytes: number,
    public onFailure: LinkFailure,
  ) {
    this.parser = new FrameParser(`rank ${peerRank} (${address})`, sink, maxData);
    this.#bufferBytes = readBufferBytes;
  }

  /**
   * The `onread` buffer generator (called before the first read and after every read):
   * the unread rest of the current large DATA payload's destination, else the reused read
   * buffer (cut to the next header after a large frame). Never a destination once the link
   * failed, so no late read lands in a caller's array.
   */
  nextReadBuffer(): Uint8Array {
    const direct = this.#failed || this.#parked > 0 ? null : this.parser.directTarget(DIRECT_READ_MIN_BYTES);
    this.#direct = direct !== null;
    if (direct) return direct;
    // after a large frame, the next is most likely large too: read just its header, so
    // that all of its payload can then be read in place
    const header = this.parser.headerBytesLeft;
    if (this.#read === EMPTY) this.#read = Buffer.alloc(this.#bufferBytes);
    if (header > 0 && this.parser.lastDataBytes >= DIRECT_READ_MIN_BYTES) return this.#read.subarray(0, header);
    return this.#read;
  }

  /**
   * Frames both ways carry tags from now on (call synchronously when the handshake
   * succeeds, before another byte is parsed). `localRank` is this rank, for the error.
   */
  enableIntegrity(keys: SessionKeys, localRank: number): void {
    this.sendMac = new FrameMac(keys.send);
    this.parser.enableIntegrity(new FrameMac(keys.recv), (detail) => new IntegrityError(localRank, this.peerRank, this.address, detail));
  }

  /** A whole control frame as it goes on the wire (tagged once integrity is on). */
  sealed(frame: Buffer): Buffer {
    return this.sendMac ? this.sendMac.seal(frame, HEADER_BYTES) : frame;
  }

  /**
   * A heartbeat tick: sends `hb` (tagged) when nothing waits to be written, and returns the
   * error to fail with when the peer has been silent for more than `limitMs` (not while
   * its bytes wait parked for our next op).
   */
  beat(hb: Buffer, limitMs: number): Error | undefined {
    if (this.#failed) return undefined;
    const s = this.socket;
    if (s?.writable && s.writableLength === 0) s.write(this.sealed(hb));
    const silent = performance.now() - this.lastHeard;
    return !this.parked && silent > limitMs ? new Error(`no heartbeat for ${Math.round(silent)} ms`) : undefined;
  }

  /** Binds the socket and its end/error events (call once it is connected). */
  attach(socket: Socket, viaDataEvents: boolean): void {
    this.socket = socket;
    if (viaDataEvents) socket.on('data', (b: Buffer) => this.onBytes(b, b.length));
    socket.on('error', (e) => this.#fail(e, 'lost'));
    socket.on('close', () => this.#fail(new Error('connection closed'), 'lost'));
    socket.on('end', () => {
      const mid = this.parser.midFrame ? ' in the middle of a frame' : '';
      this.#fail(new Error(`peer closed the connection${mid}`), 'lost');
    });
  }

  /**
   * Bytes arrived. While the parser waits for the next op the rest is parked (copied into
   * a reused, growable buffer). The socket is never paused: the predecessor cannot run
   * more than one op ahead of us (its next op needs our data), except a root issuing
   * broadcasts back to back, so parking stays bounded by one op's frames in practice.
   */
  onBytes(buf: Uint8Array, n: number): boolean {
    if (this.#failed) return false;
    this.lastHeard = performance.now();
    if (this.#direct) {
      this.#direct = false;
      try {
        this.parser.landedDirect(n);
      } catch (e) {
        this.#fail(e, 'protocol');
        return false;
      }
      return true;
    }
    if (this.#parked > 0) {
      this.#parkBytes(buf, 0, n);
      return false;
    }
    try {
      const used = this.parser.feed(buf, 0, n);
      if (used === n) return true;
      this.#parkBytes(buf, used, n);
      return false;
    } catch (e) {
      this.#fail(e, 'protocol');
      return false;
    }
  }

  /** True while received bytes wait for the next op (heartbeats cannot be read meanwhile). */
  get parked(): boolean {
    return this.#parked > 0 || this.parser.waiting;
  }

  /** The next op is active: parse parked bytes, then let the socket read again. */
  resume(): void {
    if (this.#failed) return;
    try {
      if (!this.parser.resume()) return;
      if (this.#parked > 0) {
        const n = this.#parked;
        const used = this.parser.feed(this.#park, 0, n);
        this.#park.copyWithin(0, used, n);
        this.#parked = n - used;
        if (this.#parked > 0) return;
      }
      this.lastHeard = performance.now();
    } catch (e) {
      this.#fail(e, 'protocol');
    }
  }

  #parkBytes(buf: Uint8Array, from: number, to: number): void {
    const need = this.#parked + (to - from);
    if (need > this.#park.length) {
      const bigger = Buffer.alloc(Math.max(need, this.#park.length * 2, this.#bufferBytes));
      bigger.set(this.#park.subarray(0, this.#parked));
      this.#park = bigger;
    }
    this.#park.set(buf.subarray(from, to), this.#parked);
    this.#parked = need;
  }

  #fail(e: unknown, how: 'lost' | 'protocol'): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#stopReading();
    this.onFailure(this, e, e instanceof ProtocolError || e instanceof IntegrityError ? 'protocol' : how);
  }

  /** A read already handed a payload's destination must not land after an op ended: stop reading. */
  #stopReading(): void {
    if (this.#direct && this.socket && !this.socket.destroyed) this.socket.pause();
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** Writes `last` (e.g. an ABORT frame) then closes; ignores later events. */
  shutdown(last?: Buffer): void {
    this.#failed = true;
    this.#stopReading();
    const s = this.socket;
    if (!s || s.destroyed) return;
    if (last && s.writable) s.end(this.sealed(last));
    else s.end();
    setTimeout(() => s.destroy(), 1000).unref();
  }
}
