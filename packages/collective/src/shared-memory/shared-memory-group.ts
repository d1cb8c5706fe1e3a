/**
 * Creates the shared state of a shared-memory group: one shared WebAssembly.Memory for
 * tensor slots (so the SIMD kernels add in place) and a SharedArrayBuffer of control
 * words. The descriptor is structured-clone safe: post it to each worker, which calls
 * `attachSharedMemory(descriptor, rank)`.
 */
import { DEFAULT_COLLECTIVE_TIMEOUT_MS, InvalidConfigError } from '@syncline/core';
import { availableParallelism } from 'node:os';
import { pagesFor } from '../wasm/simd-kernels';
import { AbortKind, ControlBlock, controlBytes } from './control-block';
import { registeredFloatsFor } from '../registered';

/** Default bytes per rank slot (per buffer set); larger ops are processed in chunks of this size. */
export const DEFAULT_SLOT_BYTES = 2 << 20;
/** Slots are a whole number of 64-byte lines so segments never share a cache line. */
const SLOT_ALIGN_FLOATS = 16;
const MAX_GROUP_SIZE = 256;
const SPIN_FITS_US = 200;
const SPIN_OVERSUBSCRIBED_US = 0;
/** A 32-bit WebAssembly memory holds at most 65536 pages of 64 KiB. */
const MAX_MEMORY_BYTES = 65536 * 65536;

/** Transferable description of a shared-memory group (post it to workers as is). */
export interface SharedMemoryGroupDescriptor {
  readonly kind: 'syncline-shared-memory';
  readonly size: number;
  /** Floats per rank slot; slots come in two sets (double buffering). */
  readonly slotFloats: number;
  /** Floats per rank of registered-buffer space (after the slots; see Communicator.allocate). */
  readonly registeredFloats: number;
  readonly timeoutMs: number;
  /** Busy-wait before sleeping in a barrier, in microseconds. */
  readonly spinMicros: number;
  readonly control: SharedArrayBuffer;
  readonly memory: WebAssembly.Memory;
}

export interface SharedMemoryGroupOptions {
  /** Bytes per rank slot (default 2 MiB); memory used is 2 x size x slotBytes. */
  readonly slotBytes?: number;
  /**
   * Bytes per rank that `allocate()` can hand out as registered buffers, which allReduce and
   * reduceScatter reduce in place with no copy (default 0). The memory is reserved up front
   * (size x registeredBytes more; pages are only backed once touched); the group's whole
   * memory must stay under 4 GiB.
   */
  readonly registeredBytes?: number;
  /** Default timeout of every op, in ms (default DEFAULT_COLLECTIVE_TIMEOUT_MS, 300 s). */
  readonly timeoutMs?: number;
  /**
   * Busy-wait in a barrier before sleeping on the futex, in µs. Default: 200 when the group
   * fits the machine's cores (a futex wake-up costs tens of µs in a VM; measured against 20:
   * 1.07-1.2x faster from 4 KiB to 16 MiB with 2 ranks on 2 cores), else 0: on a loaded
   * host a spinning thread is preempted and steals the core its peer needs (measured:
   * spinning made 4 KiB ops 10x slower with more ranks than cores).
   */
  readonly spinMicros?: number;
}

/** The creator's handle: the descriptor to hand out, plus a way to report a dead rank. */
export interface SharedMemoryGroup {
  readonly descriptor: SharedMemoryGroupDescriptor;
  /**
   * Marks `rank` as lost (e.g. its worker emitted 'exit' or 'error'): every rank waiting
   * in an op fails at once with WorkerLostError naming it, instead of waiting out the timeout.
   */
  markLost(rank: number): void;
}

/**
 * Allocates a group of `size` ranks. Throws InvalidConfigError for a bad size, slot size
 * or timeout.
 */
export function createSharedMemoryGroup(size: number, options: SharedMemoryGroupOptions = {}): SharedMemoryGroup {
  if (!Number.isInteger(size) || size < 1 || size > MAX_GROUP_SIZE)
    throw new InvalidConfigError('size', size, `an integer in 1..${MAX_GROUP_SIZE}`, { source: 'createSharedMemoryGroup' });
  const slotBytes = options.slotBytes ?? DEFAULT_SLOT_BYTES;
  if (!Number.isInteger(slotBytes) || slotBytes < 64)
    throw new InvalidConfigError('slotBytes', slotBytes, 'an integer >= 64', { source: 'createSharedMemoryGroup' });
  const timeoutMs = options.timeoutMs ?? DEFAULT_COLLECTIVE_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new InvalidConfigError('timeoutMs', timeoutMs, 'a positive number of ms', { source: 'createSharedMemoryGroup' });
  const slotFloats = Math.ceil(slotBytes / 4 / SLOT_ALIGN_FLOATS) * SLOT_ALIGN_FLOATS;
  const registeredBytes = options.registeredBytes ?? 0;
  if (!Number.isInteger(registeredBytes) || registeredBytes < 0)
    throw new InvalidConfigError('registeredBytes', registeredBytes, 'an integer >= 0', { source: 'createSharedMemoryGroup' });
  const registeredFloats = registeredFloatsFor(registeredBytes);
  const bytes = (2 * slotFloats + registeredFloats) * size * 4;
  if (bytes > MAX_MEMORY_BYTES)
    throw new InvalidConfigError(
      'registeredBytes',
      registeredBytes,
      `at most ${Math.floor((MAX_MEMORY_BYTES / size - 2 * slotFloats * 4) / 1048576)} MiB per rank for ${size} ranks (a group's memory is one 32-bit WebAssembly memory of at most 4 GiB)`,
      { source: 'createSharedMemoryGroup' },
    );
  const pages = pagesFor(bytes);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const control = new SharedArrayBuffer(controlBytes(size));
  const spinMicros = options.spinMicros ?? (size <= availableParallelism() ? SPIN_FITS_US : SPIN_OVERSUBSCRIBED_US);
  const descriptor: SharedMemoryGroupDescriptor = {
    kind: 'syncline-shared-memory',
    size,
    slotFloats,
    registeredFloats,
    timeoutMs,
    spinMicros,
    control,
    memory,
  };
  const block = new ControlBlock(control, size);
  return {
    descriptor,
    markLost: (rank) => block.abort(AbortKind.Lost, rank),
  };
}
