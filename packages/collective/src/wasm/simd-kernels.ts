/**
 * WebAssembly f32x4 SIMD kernels (add, max, scale) bound to one WebAssembly.Memory.
 * The data they work on must live in that memory; offsets are in bytes, counts in floats.
 * Measured ~6x faster than a plain JS loop on these machines (FACTS.md).
 */
import { kernelModuleBytes } from './kernel-bytes';

const WASM_PAGE_BYTES = 65536;
const modules = new Map<boolean, WebAssembly.Module>();

function moduleFor(shared: boolean): WebAssembly.Module {
  let m = modules.get(shared);
  if (!m) {
    m = new WebAssembly.Module(kernelModuleBytes(shared));
    modules.set(shared, m);
  }
  return m;
}

/** The three kernels over one memory. */
export interface SimdKernels {
  /** dst[i] += src[i] for i < n (byte offsets into the memory). */
  add(dst: number, src: number, n: number): void;
  /** dst[i] = max(dst[i], src[i]) for i < n; NaN propagates. */
  max(dst: number, src: number, n: number): void;
  /** dst[i] *= s for i < n. */
  scale(dst: number, n: number, s: number): void;
}

/** Instantiates the kernels over `memory` (shared or not, as the memory is). */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const inst = new WebAssembly.Instance(moduleFor(shared), { env: { memory } });
  return inst.exports as unknown as SimdKernels;
}

/** Pages needed to hold `bytes` bytes. */
export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
}

/**
 * A private (non-shared) wasm memory with kernels, grown on demand and reused: used by
 * the socket ring to reduce received chunks at SIMD speed.
 */
export class KernelArena {
  #memory: WebAssembly.Memory;
  readonly kernels: SimdKernels;
  #f32: Float32Array;

  /** @param bytes initial size (grown by ensure(); an arena that never grows keeps its views valid). */
  constructor(bytes = WASM_PAGE_BYTES) {
    this.#memory = new WebAssembly.Memory({ initial: pagesFor(bytes) });
    this.kernels = simdKernels(this.#memory);
    this.#f32 = new Float32Array(this.#memory.buffer);
  }

  /** Makes the arena at least `bytes` long; views taken before a growth are stale. */
  ensure(bytes: number): void {
    const have = this.#memory.buffer.byteLength;
    if (bytes <= have) return;
    this.#memory.grow(pagesFor(bytes) - have / WASM_PAGE_BYTES);
    this.#f32 = new Float32Array(this.#memory.buffer);
  }

  /** A Float32Array over the whole arena (recreated after growth). */
  get f32(): Float32Array {
    return this.#f32;
  }

  get buffer(): ArrayBuffer {
    return this.#memory.buffer as ArrayBuffer;
  }
}
