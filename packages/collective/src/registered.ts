/**
 * The bump allocation both registered-buffer spaces share (Communicator.allocate): pieces
 * start on 64-byte boundaries (so SIMD kernels stay aligned) and are never freed.
 */
import { InvalidConfigError } from '@syncline/core';

const ALIGN_FLOATS = 16;

/** Where a `length`-float piece starts after `used` floats of a `capacity`-float space, or -1 when it does not fit. */
export function placeRegistered(used: number, length: number, capacity: number): number {
  if (!Number.isInteger(length) || length < 0) throw new InvalidConfigError('length', length, 'an integer >= 0', { source: 'allocate' });
  const at = Math.ceil(used / ALIGN_FLOATS) * ALIGN_FLOATS;
  return at + length <= capacity ? at : -1;
}
