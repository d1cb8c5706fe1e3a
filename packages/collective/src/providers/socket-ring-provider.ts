/**
 * `socketRing()`: the communicator for replicas that are child processes on one machine
 * (`isolation: 'process'`, e.g. one device pinned per process): a ring over Unix domain
 * sockets in a private temp directory, authenticated with a fresh random token per group
 * (handed to the replicas over their IPC channel, never printed).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { communicatorRef, type CommunicatorProvider, type CommunicatorRef, type GroupContext } from '@syncline/core';
import { createRingCommunicator } from '../ring/ring-communicator';
import type { RingCommunicatorOptions } from '../ring/ring-options';
import { checkOptionKeys, REGISTERED_BYTES_PER_REPLICA } from './provider-options';

/** Options of `socketRing()`; each defaults as in createRingCommunicator, the timeout to the strategy's. */
export type SocketRingOptions = Pick<RingCommunicatorOptions, 'timeoutMs' | 'registeredBytes' | 'chunkBytes' | 'sendBufferBytes'>;

const KNOWN: readonly (keyof SocketRingOptions)[] = ['timeoutMs', 'registeredBytes', 'chunkBytes', 'sendBufferBytes'];

interface RingGroup {
  readonly dir: string;
  readonly addresses: readonly string[];
  readonly authToken: string;
  readonly ring: SocketRingOptions;
}

export const socketRingProvider: CommunicatorProvider = {
  prepareGroup(size: number, options: unknown, context?: GroupContext): RingGroup {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-ring-'));
    return {
      dir,
      addresses: Array.from({ length: size }, (_, r) => join(dir, `rank-${r}.sock`)),
      authToken: randomBytes(32).toString('hex'),
      ring: { registeredBytes: REGISTERED_BYTES_PER_REPLICA, ...(context ? { timeoutMs: context.timeoutMs } : {}), ...((options ?? {}) as SocketRingOptions) },
    };
  },
  async join(group: unknown, rank: number) {
    const g = group as RingGroup;
    return createRingCommunicator({ ...g.ring, rank, addresses: g.addresses, authToken: g.authToken });
  },
  releaseGroup(group: unknown) {
    rmSync((group as RingGroup).dir, { recursive: true, force: true });
  },
};

/**
 * The Unix-socket ring, for `isolation: 'process'` replicas (it also works between threads).
 * @throws InvalidConfigError for an unknown option
 */
export function socketRing(options: SocketRingOptions = {}): CommunicatorRef<SocketRingOptions> {
  checkOptionKeys('socketRing', options, KNOWN);
  return communicatorRef({ name: 'socket-ring', isolation: 'any', module: __filename, export: 'socketRingProvider', options });
}
