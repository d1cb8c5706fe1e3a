/**
 * The ring's registered buffers (Communicator.allocate): one WebAssembly memory that never
 * grows (so the views handed out stay valid), holding the buffers and, after them, the
 * staging chunk that a large allReduce of one of them receives into. The SIMD kernel then
 * adds each received chunk into the caller's array in place: no copy into a working area
 * and back.
 */
import { KernelArena } from '../wasm/simd-kernels';
import { placeRegistered } from '../registered';

export class RegisteredArena {
  readonly arena: KernelArena;
  #used = 0;

  constructor(
    readonly floats: number,
    stagingFloats: number,
  ) {
    this.arena = new KernelArena((floats + stagingFloats) * 4);
  }

  /** A zeroed view of `length` floats, or undefined when the space is used up. */
  allocate(length: number): Float32Array | undefined {
    const at = placeRegistered(this.#used, length, this.floats);
    if (at < 0) return undefined;
    this.#used = at + length;
    return new Float32Array(this.arena.buffer, at * 4, length).fill(0);
  }

  /** True when `buf` is (part of) one of the registered buffers. */
  owns(buf: Float32Array): boolean {
    return buf.length > 0 && buf.buffer === this.arena.buffer && buf.byteOffset + buf.byteLength <= this.floats * 4;
  }

  /** Byte offset of the staging chunk. */
  get stagingByte(): number {
    return this.floats * 4;
  }
}

/** Where a large allReduce reduces: an arena, the array it adds into there, and byte offsets of that array and of the staging chunk. */
export interface ReduceArea {
  readonly arena: KernelArena;
  readonly work: Float32Array;
  readonly workByte: number;
  readonly stagingByte: number;
}

/**
 * The reduce area for `buf`: the registered buffer itself when it is one, else a working
 * copy at the start of `scratch` (grown as needed), followed by a staging chunk of `chunkFloats`.
 */
export function reduceArea(buf: Float32Array, registered: RegisteredArena | undefined, scratch: KernelArena, chunkFloats: number): ReduceArea {
  if (registered?.owns(buf)) return { arena: registered.arena, work: buf, workByte: buf.byteOffset, stagingByte: registered.stagingByte };
  const aligned = Math.ceil(buf.length / 16) * 16;
  scratch.ensure((aligned + chunkFloats) * 4);
  return { arena: scratch, work: scratch.f32.subarray(0, buf.length), workByte: 0, stagingByte: aligned * 4 };
}
