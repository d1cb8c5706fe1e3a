/**
 * How many replicas this machine can take, said before any replica starts:
 *   - more replicas than cores is allowed (it reproduces a larger run's numerics) but
 *     gets a warning with the reason: replicas then take turns on the cores, so steps get
 *     slower, not faster;
 *   - more replicas than memory can hold is an InvalidConfigError naming --replicas, the
 *     largest count that fits and the figures, instead of a machine that swaps or an
 *     out-of-memory kill halfway through starting them.
 * REPLICA_MEMORY_MB is a floor measured here: the MLP on tfjs wasm, 1 -> 4 thread
 * replicas, peak RSS 431 -> 709 MB (93 MB a replica); larger models need more, so a count
 * that passes can still be too many, but one that fails never fits.
 */
import { availableParallelism, freemem } from 'node:os';
import { InvalidConfigError } from '@syncline/core';

export const REPLICA_MEMORY_MB = 90;

export interface MachineFacts {
  readonly cores: number;
  /** Memory available to new processes, MB. */
  readonly freeMb: number;
}

export function machineFacts(): MachineFacts {
  return { cores: availableParallelism(), freeMb: Math.floor(freemem() / 2 ** 20) };
}

/** Throws when `replicas` cannot fit in memory; logs a warning when they outnumber the cores. */
export function checkReplicaBounds(replicas: number, log: (line: string) => void, m: MachineFacts = machineFacts()): void {
  const needMb = replicas * REPLICA_MEMORY_MB;
  if (needMb > m.freeMb) {
    throw new InvalidConfigError(
      '--replicas',
      replicas,
      `at most ${Math.max(1, Math.floor(m.freeMb / REPLICA_MEMORY_MB))} here: each replica needs at least ${REPLICA_MEMORY_MB} MB ` +
        `(${replicas} need ${needMb.toLocaleString('en-US')} MB) and ${m.freeMb.toLocaleString('en-US')} MB are free`,
    );
  }
  if (replicas > m.cores) {
    log(
      `warning: --replicas ${replicas} is more than the ${m.cores} core(s) here: the replicas take turns on the cores, so each step gets slower, not faster; ` +
        `use --replicas ${m.cores} or fewer for speed (more only to reproduce a larger run's numerics)`,
    );
  }
}
