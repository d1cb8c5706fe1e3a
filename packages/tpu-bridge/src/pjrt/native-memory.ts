/**
 * Native (malloc'd) memory that does not move: what PJRT may read or write after a call
 * returns (device-to-host copies, argument lists, option bytes) lives here, never in a
 * V8 heap object that the garbage collector could move. Views are zero-copy.
 */
import { koffi } from './koffi';

export class NativeBlock {
  /** Address of the first byte. */
  readonly ptr: bigint;
  /** A zero-copy view of the block (valid until free()). */
  readonly bytes: ArrayBuffer;
  #freed = false;

  constructor(readonly byteLength: number) {
    // koffi.alloc of 0 bytes is not portable; keep at least one word.
    this.ptr = koffi.alloc('uint8_t', Math.max(8, byteLength)) as bigint;
    this.bytes = koffi.view(this.ptr, Math.max(8, byteLength));
  }

  /** Copies `data` (bytes, or a typed array's bytes) into the block at `offset`. */
  write(data: ArrayBufferView, offset = 0): void {
    new Uint8Array(this.bytes, offset, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    koffi.free(this.ptr);
  }
}

/** A NUL-terminated UTF-8 string in native memory. */
export function nativeString(s: string): NativeBlock {
  const utf8 = Buffer.from(s, 'utf8');
  const block = new NativeBlock(utf8.length + 1);
  block.write(utf8);
  new Uint8Array(block.bytes)[utf8.length] = 0;
  return block;
}

/** An array of pointers (`T**`) in native memory. */
export function nativePointerArray(ptrs: readonly bigint[]): NativeBlock {
  const block = new NativeBlock(ptrs.length * 8);
  const view = new BigUint64Array(block.bytes, 0, ptrs.length);
  ptrs.forEach((p, i) => (view[i] = p));
  return block;
}

/** Reads `count` pointers from native memory at `ptr`. */
export function readPointerArray(ptr: bigint, count: number): bigint[] {
  if (count === 0) return [];
  const view = new BigUint64Array(koffi.view(ptr, count * 8));
  return Array.from(view);
}

/** Reads `size` bytes at `ptr` as UTF-8 (PJRT strings are (char*, size) pairs, not NUL-terminated). */
export function readString(ptr: bigint | null, size: number): string {
  if (!ptr || size === 0) return '';
  return Buffer.from(koffi.view(ptr, size)).toString('utf8');
}
