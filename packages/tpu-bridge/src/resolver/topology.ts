/**
 * A TPU slice's topology: hosts, chips, cores and the chip mesh, from an accelerator type
 * and (when known) the chips-per-host and host bounds. Every count is checked against
 * the others; a mismatch names both values.
 */
import { InvalidConfigError } from '@syncline/core';
import type { AcceleratorType } from './accelerator-type';

export type Bounds = readonly [number, number, number];

export interface TpuTopology {
  readonly acceleratorType: string;
  readonly generation: string;
  readonly hosts: number;
  readonly chipsPerHost: number;
  readonly chips: number;
  readonly coresPerChip: number;
  readonly cores: number;
  readonly chipsPerHostBounds: Bounds;
  readonly hostBounds: Bounds;
  /** Chip mesh, elementwise chipsPerHostBounds x hostBounds (x, y, z). */
  readonly mesh: Bounds;
}

const prod = (b: Bounds): number => b[0] * b[1] * b[2];

/** Bounds of one host's chips when the environment gives none (2x2 for 4 chips, 2x4 for 8). */
function defaultChipBounds(chipsPerHost: number): Bounds {
  if (chipsPerHost === 4) return [2, 2, 1];
  if (chipsPerHost === 8) return [2, 4, 1];
  return [1, chipsPerHost, 1];
}

export function buildTopology(type: AcceleratorType, chipBounds?: Bounds, hostBounds?: Bounds): TpuTopology {
  const cph = chipBounds ?? defaultChipBounds(type.defaultChipsPerHost);
  const chipsPerHost = prod(cph);
  const hb = hostBounds ?? ([1, 1, Math.max(1, Math.round(type.chips / chipsPerHost))] as const);
  const chips = chipsPerHost * prod(hb);
  if (chips !== type.chips) {
    throw new InvalidConfigError(
      'TPU bounds',
      { chipsPerHostBounds: cph, hostBounds: hb },
      `bounds whose chips (${chipsPerHost} per host x ${prod(hb)} hosts = ${chips}) match ${type.name} (${type.chips} chips)`,
      { source: 'TPUClusterResolver' },
    );
  }
  return {
    acceleratorType: type.name,
    generation: type.generation,
    hosts: prod(hb),
    chipsPerHost,
    chips,
    coresPerChip: type.coresPerChip,
    cores: chips * type.coresPerChip,
    chipsPerHostBounds: cph,
    hostBounds: hb,
    mesh: [cph[0] * hb[0], cph[1] * hb[1], cph[2] * hb[2]],
  };
}
