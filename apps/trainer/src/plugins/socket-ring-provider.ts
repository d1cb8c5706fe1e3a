/**
 * The CommunicatorProvider for replicas that are child processes on one machine: a ring
 * over Unix domain sockets in a private temp directory, authenticated with a fresh random
 * token per group (handed to the replicas over their IPC channel, never printed).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommunicatorProvider } from '@syncline/core';
import { createRingCommunicator } from '@syncline/collective';
import { REGISTERED_BYTES_PER_REPLICA } from './shared-memory-provider';

interface RingGroup {
  readonly dir: string;
  readonly addresses: readonly string[];
  readonly authToken: string;
  readonly timeoutMs?: number;
}

export const socketRingProvider: CommunicatorProvider = {
  prepareGroup(size: number, options: unknown): RingGroup {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-ring-'));
    const { timeoutMs } = (options ?? {}) as { timeoutMs?: number };
    return {
      dir,
      addresses: Array.from({ length: size }, (_, r) => join(dir, `rank-${r}.sock`)),
      authToken: randomBytes(32).toString('hex'),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
  },
  async join(group: unknown, rank: number) {
    const g = group as RingGroup;
    return createRingCommunicator({
      rank, addresses: g.addresses, authToken: g.authToken, registeredBytes: REGISTERED_BYTES_PER_REPLICA, ...(g.timeoutMs !== undefined ? { timeoutMs: g.timeoutMs } : {}),
    });
  },
  releaseGroup(group: unknown) {
    rmSync((group as RingGroup).dir, { recursive: true, force: true });
  },
};
