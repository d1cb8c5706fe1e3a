/**
 * What the communicator providers share: the registered space each replica gets (its
 * gradients live there, so the all-reduce copies nothing in or out), and the check that
 * refuses an option a provider does not have instead of ignoring it.
 */
import { InvalidConfigError } from '@syncline/core';

/**
 * Registered-buffer space per replica: the replica host's gradient buffer lives there when
 * it fits (models up to 16M parameters). Reserved, not touched: pages are backed only as
 * they are used.
 */
export const REGISTERED_BYTES_PER_REPLICA = 64 << 20;
/** A shared-memory group's registered space in all: a group is one 4 GiB WebAssembly memory, slots included. */
const REGISTERED_BYTES_PER_GROUP = 2 ** 31;

/** Registered space per replica of a `size`-replica shared-memory group: 64 MiB, less when many replicas share the memory. */
export function registeredBytesPerReplica(size: number): number {
  return Math.min(REGISTERED_BYTES_PER_REPLICA, Math.floor(REGISTERED_BYTES_PER_GROUP / size / 65536) * 65536);
}

/**
 * Refuses options a provider does not know, by name.
 * @throws InvalidConfigError naming `<provider>(options).<key>` and the known keys
 */
export function checkOptionKeys(provider: string, options: object, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidConfigError(`${provider}(options)`, options, 'an object');
  }
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) throw new InvalidConfigError(`${provider}(options).${key}`, value, `no such option (known: ${known.join(', ')})`);
  }
}
