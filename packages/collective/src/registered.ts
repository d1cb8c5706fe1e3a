/**
 * What both registered-buffer spaces share (Communicator.allocate): their size in whole
 * 64-byte lines, and a bump allocation whose pieces start on 64-byte boundaries (so SIMD
 * kernels stay aligned) and are never freed.
 */
import { InvalidConfigError, SHARD_ALIGN_FLOATS as ALIGN_FLOATS } from '@syncline/core';

/** Floats of a registered space of `bytes` bytes, rounded up to whole 64-byte lines. */
export function registeredFloatsFor(bytes: number): number {
  return Math.ceil(bytes / 4 / ALIGN_FLOATS) * ALIGN_FLOATS;
}

/** Where a `length`-float piece starts after `used` floats of a `capacity`-float space, or -1 when it does not fit. */
export function placeRegistered(used: number, length: number, capacity: number): number {
  if (!Number.isInteger(length) || length < 0) throw new InvalidConfigError('length', length, 'an integer >= 0', { source: 'allocate' });
  const at = Math.ceil(used / ALIGN_FLOATS) * ALIGN_FLOATS;
  return at + length <= capacity ? at : -1;
}
