/**
 * Registered buffers of a shared-memory group (Communicator.allocate): each rank owns
 * `floats` floats of the group's memory after the slots, hands them out in 64-byte-aligned
 * pieces, and recognises them when they come back as op arguments.
 */
import { ProtocolError } from '@syncline/core';
import { placeRegistered } from '../registered';

export class RegisteredSpace {
  #used = 0;

  /** @param base float index of rank 0's space; each rank's space is `floats` long. */
  constructor(
    readonly memory: SharedArrayBuffer,
    readonly base: number,
    readonly floats: number,
    readonly rank: number,
  ) {}

  /** Float index where `rank`'s space starts. */
  start(rank: number): number {
    return this.base + rank * this.floats;
  }

  /** A zeroed view of `length` floats of this rank's space, or undefined when it is used up. */
  allocate(length: number): Float32Array | undefined {
    const at = placeRegistered(this.#used, length, this.floats);
    if (at < 0) return undefined;
    this.#used = at + length;
    const view = new Float32Array(this.memory, (this.start(this.rank) + at) * 4, length);
    view.fill(0);
    return view;
  }

  /** Float index of `buf` in the group's memory when it lies in this rank's space, else -1. */
  indexOf(buf: Float32Array): number {
    if (buf.buffer !== this.memory || buf.length === 0) return -1;
    const at = buf.byteOffset / 4;
    const start = this.start(this.rank);
    return at >= start && at + buf.length <= start + this.floats ? at : -1;
  }

  /** Throws ProtocolError when `rank` published an array outside its own space. */
  check(rank: number, index: number, length: number): void {
    if (index < 0) return;
    if (index < this.start(rank) || index + length > this.start(rank) + this.floats)
      throw new ProtocolError(`shared-memory rank ${rank}`, `rank ${rank} published a registered buffer at float ${index}, outside its space`);
  }
}
