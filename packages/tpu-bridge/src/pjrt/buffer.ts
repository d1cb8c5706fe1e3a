/**
 * A PJRT_Buffer (device memory) owned by us: read back to the host without blocking
 * the event loop, and destroyed exactly once.
 */
import { koffi } from './koffi';
import { BackendError } from '@syncline/core';
import { awaitEvent } from './event';
import { NativeBlock } from './native-memory';
import type { PjrtApi } from './pjrt-api';

/** Live PjrtBuffer count, for leak checks. */
let live = 0;

export class PjrtBuffer {
  #ptr: bigint | null;

  constructor(
    readonly api: PjrtApi,
    ptr: bigint,
  ) {
    this.#ptr = ptr;
    live++;
  }

  /** The PJRT_Buffer*; throws after destroy(). */
  get ptr(): bigint {
    if (this.#ptr === null) throw new BackendError('pjrt', 'use of a destroyed PJRT buffer', { detailCode: 'FAILED_PRECONDITION' });
    return this.#ptr;
  }

  get destroyed(): boolean {
    return this.#ptr === null;
  }

  /** Dimensions as the plugin reports them. */
  dims(): number[] {
    const out = this.api.call('PJRT_Buffer_Dimensions', { buffer: this.ptr, dims: null, num_dims: 0 });
    const n = Number(out.num_dims);
    if (n === 0) return [];
    return Array.from(new BigInt64Array(koffiView(out.dims as bigint, n * 8)), Number);
  }

  /**
   * Copies the buffer into `dst` (whose byte length must be at least the buffer's),
   * through a native staging block so the device may write after this call returns.
   */
  async toHost<A extends Float32Array | Int32Array>(dst: A): Promise<A> {
    const staging = new NativeBlock(dst.byteLength);
    try {
      const out = this.api.call('PJRT_Buffer_ToHostBuffer', {
        src: this.ptr,
        host_layout: null,
        dst: staging.ptr,
        dst_size: dst.byteLength,
        event: null,
      });
      if (out.event) await awaitEvent(this.api, out.event as bigint, 'PJRT_Buffer_ToHostBuffer');
      new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(new Uint8Array(staging.bytes, 0, dst.byteLength));
      return dst;
    } finally {
      staging.free();
    }
  }

  /** Releases the device memory; safe to call twice. */
  destroy(): void {
    if (this.#ptr === null) return;
    const ptr = this.#ptr;
    this.#ptr = null;
    live--;
    this.api.call('PJRT_Buffer_Destroy', { buffer: ptr });
  }
}

function koffiView(ptr: bigint, bytes: number): ArrayBuffer {
  // Copy: the dims array lives as long as the buffer, our result must outlive neither.
  return new Uint8Array(koffi.view(ptr, bytes)).slice().buffer;
}

/** Number of PjrtBuffers not yet destroyed in this process. */
export function liveBufferCount(): number {
  return live;
}
